"""Who is acting, and from where: set once per request, read by the audit log."""

from __future__ import annotations

from contextvars import ContextVar

_ip: ContextVar[str | None] = ContextVar("kalantar_ip", default=None)


def current_ip() -> str | None:
    return _ip.get()


def set_ip(ip: str | None):
    return _ip.set(ip)


def reset_ip(token) -> None:
    _ip.reset(token)
