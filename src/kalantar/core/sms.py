"""Text messages to citizens through a pluggable sender (settings.SMS_BACKEND).

The demo prints messages on the console; a deployment points SMS_BACKEND at a class
with the same `send(to, text)` method that talks to its SMS gateway.
"""

from __future__ import annotations

import logging
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
