"""Text messages to citizens through a pluggable sender (settings.SMS_BACKEND).

The demo prints messages on the console; a deployment points SMS_BACKEND at a class
with the same `send(to, text)` method that talks to its SMS gateway. Services queue their
messages (`queue_sms`) for a background worker; a task that is itself background work
(the alert drain) sends at once (`send_sms`).

A task runs at least once: a worker that dies after the gateway took a message runs it
again. A backend whose gateway drops a second message with the same client-side id (most
Iranian gateways take one, e.g. a "local id") says so with `takes_message_id = True` and
gets `send(to, text, message_id=...)`: a message queued with a `message_id` is then sent
once however often its task runs.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from kalantar.core.tasks import task

logger = logging.getLogger("kalantar.sms")


class ConsoleSmsBackend:
    def send(self, to: str, text: str) -> None:
        print(f"[SMS to {to}] {text}", flush=True)


class _Outbox(list):
    """The messages sent, (to, text), and the message ids taken with them."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def clear(self) -> None:
        super().clear()
        self.ids.clear()


class LocmemSmsBackend:
    """Keeps messages in memory, for tests; like a gateway, it takes a message id and
    drops a message whose id it already took."""

    takes_message_id = True
    outbox = _Outbox()

    def send(self, to: str, text: str, message_id: str = "") -> None:
        if message_id:
            if message_id in self.outbox.ids:
                return
            self.outbox.ids.add(message_id)
        self.outbox.append((to, text))


@lru_cache(maxsize=1)
def _backend():
    return import_string(settings.SMS_BACKEND)()


def send_through_gateway(to: str, text: str, message_id: str = "") -> None:
    """Send now, raising when the gateway refuses; with the message id where it takes one."""
    backend = _backend()
    if message_id and getattr(backend, "takes_message_id", False):
        backend.send(to, text, message_id=message_id)
    else:
        backend.send(to, text)


@task("core.sms", max_attempts=5, label=_("Send a text message"))
def deliver_sms(*, to: str, text: str, message_id: str = "") -> None:
    """The background task: raises when the gateway refuses, so the queue tries again."""
    send_through_gateway(to, text, message_id)


def queue_sms(to: str, text: str, *, message_id: str = "") -> None:
    """Queue a message in the caller's transaction: a worker sends it once the caller's
    writes commit (never for a rolled-back change), retried with backoff while the gateway
    refuses it. A `message_id` (unique to this message, e.g. "community.reply:42") queues
    it at most once and, where the gateway takes ids, sends it at most once."""
    if to:
        deliver_sms.enqueue(
            key=f"sms:{message_id}" if message_id else None,
            to=to,
            text=text,
            message_id=message_id,
        )


def send_sms(to: str, text: str) -> None:
    """Send, never raise: a failed SMS must not undo a registered complaint."""
    if not to:
        return
    try:
        _backend().send(to, text)
    except Exception:
        logger.exception("SMS to %s failed", to)
