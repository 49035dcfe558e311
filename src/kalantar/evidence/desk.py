"""What the camera desk reads from its inputs: a serial typed or scanned, and the time the
camera's own clock shows at check-in. Pure: no database, tested on its own."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from kalantar.core.persian import normalize_text, to_latin_digits

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def normalize_serial(text: str | None) -> str:
    """One spelling of a serial however it came: Persian or Latin digits, a scanner's
    trailing newline, lower or upper case."""
    return to_latin_digits(normalize_text(text or "")).replace(" ", "").upper()


def parse_clock(text: str | None, *, now: datetime) -> datetime | None:
    """The moment a camera's clock reading `HH:MM[:SS]` (local time) stands for: the one
    nearest `now` (a local, aware time), so a reading just past midnight is not a day off.
    None when nothing was given; ValueError when it is not a time."""
    text = to_latin_digits(normalize_text(text or ""))
    if not text:
        return None
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(text)
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(text)
    same_day = now.replace(hour=hour, minute=minute, second=second, microsecond=0)
    candidates = [same_day + timedelta(days=d) for d in (-1, 0, 1)]
    return min(candidates, key=lambda moment: abs(moment - now))
