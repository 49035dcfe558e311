"""Secrets shown once and kept only as a digest (API tokens, Open311 keys). Pure: no database.

A secret is a short prefix naming its kind (so a leaked one is recognisable, and a wrong kind
is refused before any lookup) followed by 256 random bits. Only its SHA-256 digest is stored,
plus the prefix and four characters after it so a person can tell keys apart in a list.

Looking a secret up by the digest of what the caller sent is safe against timing attacks: a
caller controls the digest only through a preimage, so the time an index lookup takes says
nothing about any stored secret.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

RANDOM_BYTES = 32
SHOWN_CHARACTERS = 4  # after the prefix


@dataclass(frozen=True)
class DrawnSecret:
    """A new secret: `raw` goes to its holder once; `shown` and `digest` are stored."""

    raw: str
    shown: str
    digest: str


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def draw(prefix: str) -> DrawnSecret:
    raw = prefix + secrets.token_urlsafe(RANDOM_BYTES)
    return DrawnSecret(raw=raw, shown=raw[: len(prefix) + SHOWN_CHARACTERS], digest=digest(raw))


def is_of_kind(raw: str | None, prefix: str) -> bool:
    """Whether `raw` could be a secret of this kind; anything else needs no lookup."""
    return bool(raw) and raw.startswith(prefix)


def use_is_news(last_used_at: datetime | None, now: datetime, resolution: timedelta) -> bool:
    """Whether a use at `now` is worth recording: writing it on every use would turn each
    read into a write, so uses within `resolution` of the last recorded one are not."""
    return last_used_at is None or now - last_used_at > resolution
