"""Who must give a second factor, and how a typed code is read. No database here."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kalantar.core.persian import to_latin_digits

TOTP_DIGITS = 6
RECOVERY_CODE_COUNT = 10
_SEPARATORS = re.compile(r"[\s\-_\u200c]+")
_TOTP = re.compile(rf"\d{{{TOTP_DIGITS}}}")


def requires_second_factor(
    *, roles: Iterable[str], is_staff: bool, is_superuser: bool, required_roles: Iterable[str]
) -> bool:
    """A privileged role, or any access to the admin site, needs the second factor."""
    return is_staff or is_superuser or not set(roles).isdisjoint(required_roles)


def normalize_code(raw: str | None) -> str:
    """A code as typed (Persian or Latin digits, spaces or dashes between groups) made plain."""
    return _SEPARATORS.sub("", to_latin_digits(raw or "")).lower()


def is_totp_code(code: str) -> bool:
    """Six digits come from the authenticator app; anything else may be a recovery code."""
    return bool(_TOTP.fullmatch(code))


def group_secret(secret: str, size: int = 4) -> str:
    """The base32 secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def is_exempt_path(path: str, prefixes: Iterable[str]) -> bool:
    """Paths an unverified user may still reach: the verification pages themselves, log-out,
    the language switch, static files."""
    return any(path.startswith(prefix) for prefix in prefixes)
