"""Text messages to citizens through a pluggable sender (settings.SMS_BACKEND).

The demo prints messages on the console; a deployment points SMS_BACKEND at a class
with the same `send(to, text)` method that talks to its SMS gateway.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

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


def send_sms(to: str, text: str) -> None:
    """Send, never raise: a failed SMS must not undo a registered complaint."""
    if not to:
        return
    try:
        _backend().send(to, text)
    except Exception:
        logger.exception("SMS to %s failed", to)


# The project has no task queue yet; one worker thread is the smallest thing that keeps the
# gateway's latency out of an answer whose timing must tell nothing (the one-time codes of
# the status page). Messages are sent in order; a failure is logged, as for send_sms.
_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kalantar-sms")


def send_sms_in_background(to: str, text: str) -> None:
    """Send after the caller has moved on: the caller's timing does not depend on the gateway."""
    if to:
        _background.submit(send_sms, to, text)


def wait_for_background(timeout: float = 10) -> None:
    """Block until every message handed to the background so far is sent (tests, shutdown)."""
    _background.submit(lambda: None).result(timeout=timeout)
