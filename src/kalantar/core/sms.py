"""Text messages to citizens through a pluggable sender (settings.SMS_BACKEND).

The demo prints messages on the console; a deployment points SMS_BACKEND at a class
with the same `send(to, text)` method that talks to its SMS gateway. Services queue their
messages (`queue_sms`) for a background worker; a task that is itself background work
(the alert drain) sends at once (`send_sms`).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

from kalantar.core.tasks import task

logger = logging.getLogger("kalantar.sms")


class ConsoleSmsBackend:
    def send(self, to: str, text: str) -> None:
        print(f"[SMS to {to}] {text}", flush=True)


class LocmemSmsBackend:
    """Keeps messages in memory, for tests."""

    outbox: list[tuple[str, str]] = []

    def send(self, to: str, text: str) -> None:
        self.outbox.append((to, text))


@lru_cache(maxsize=1)
def _backend():
    return import_string(settings.SMS_BACKEND)()


@task("core.sms", max_attempts=5)
def deliver_sms(*, to: str, text: str) -> None:
    """The background task: raises when the gateway refuses, so the queue tries again."""
    _backend().send(to, text)


def queue_sms(to: str, text: str) -> None:
    """Queue a message in the caller's transaction: a worker sends it once the caller's
    writes commit (never for a rolled-back change), retried with backoff while the gateway
    refuses it."""
    if to:
        deliver_sms.enqueue(to=to, text=text)


def send_sms(to: str, text: str) -> None:
    """Send, never raise: a failed SMS must not undo a registered complaint."""
    if not to:
        return
    try:
        _backend().send(to, text)
    except Exception:
        logger.exception("SMS to %s failed", to)


# One worker thread keeps the gateway's latency out of an answer whose timing must tell
# nothing (the one-time codes of the status page); the background queue would store the
# code in its table, which a one-time code must not outlive. Messages are sent in order; a
# failure is logged, as for send_sms.
_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kalantar-sms")


def send_sms_in_background(to: str, text: str) -> None:
    """Send after the caller has moved on: the caller's timing does not depend on the gateway."""
    if to:
        _background.submit(send_sms, to, text)


def wait_for_background(timeout: float = 10) -> None:
    """Block until every message handed to the background so far is sent (tests, shutdown)."""
    _background.submit(lambda: None).result(timeout=timeout)
