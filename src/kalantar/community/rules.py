"""Pure rules of the community app, tested without a database: what an alert may say,
areas as H3 cells, quiet hours and the consent texts."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import h3

from kalantar.core.persian import to_latin_digits
from kalantar.core.validators import is_valid_mobile, is_valid_national_code

RESOLUTION = 9
MAX_CELLS = 3000  # a neighbourhood, not a city: ~0.1 km² a cell, so ~300 km² at most

# The consent text a subscriber agrees to, by version: what they agreed to stays readable
# after the text changes (a new version, never an edit).
CONSENT_VERSION = "1"
CONSENT_TEXTS = {
    "1": (
        "می‌پذیرم که کلانتری محلهٔ من هشدارهای ایمنی محله را در موضوع‌هایی که برگزیده‌ام به "
        "این شماره پیامک کند. شمارهٔ من به کسی داده نمی‌شود و با پیوند پایان هر پیام می‌توانم "
        "رضایتم را پس بگیرم."
    ),
}

# Digits with the separators people type between them (spaces, dashes, dots).
_DIGIT_RUN = re.compile(r"\d(?:[\s\-.]*\d)+")


def identifying_numbers(text: str) -> list[str]:
    """The national codes and mobile numbers written in `text` (Persian or Latin digits,
    spaced or not): an alert that names one could identify a victim or a suspect."""
    found = []
    for match in _DIGIT_RUN.finditer(to_latin_digits(text)):
        digits = re.sub(r"\D", "", match.group())
        found.extend(_numbers_in(digits))
    return found


def _numbers_in(digits: str) -> list[str]:
    found = []
    for size in (10, 11, 12):
        for start in range(0, len(digits) - size + 1):
            piece = digits[start : start + size]
            if (size == 10 and is_valid_national_code(piece)) or is_valid_mobile(piece):
                found.append(piece)
    return found


class AreaError(ValueError):
    pass


def polygon_cells(area: dict) -> list[str]:
    """The resolution-9 H3 cells of a drawn GeoJSON polygon (lon, lat rings)."""
    if not area:
        return []
    try:
        ring = area["coordinates"][0]
        shape = h3.LatLngPoly([(float(lat), float(lon)) for lon, lat in ring])
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise AreaError("not a polygon") from exc
    cells = sorted(h3.polygon_to_cells(shape, RESOLUTION))
    if not cells:
        # A small drawn area still covers the cell of its first corner.
        lon, lat = ring[0][0], ring[0][1]
        cells = [h3.latlng_to_cell(float(lat), float(lon), RESOLUTION)]
    if len(cells) > MAX_CELLS:
        raise AreaError("too large")
    return cells


def typed_cells(text: str) -> list[str]:
    """H3 cells typed one per line or separated by commas; raises AreaError on a bad one."""
    cells: dict[str, None] = {}
    for raw in re.split(r"[\s,،]+", text or ""):
        cell = raw.strip().lower()
        if not cell:
            continue
        if not h3.is_valid_cell(cell):
            raise AreaError(cell)
        cells[cell] = None
    return list(cells)


def in_quiet_hours(moment: time, quiet_from: time | None, quiet_to: time | None) -> bool:
    """Whether a local time falls in a subscriber's quiet hours (which may span midnight)."""
    if quiet_from is None or quiet_to is None or quiet_from == quiet_to:
        return False
    if quiet_from < quiet_to:
        return quiet_from <= moment < quiet_to
    return moment >= quiet_from or moment < quiet_to


def quiet_key(quiet_from: time | None, quiet_to: time | None) -> str:
    """Quiet hours as one short text ("22:00-07:00"; empty for none), for the counts' key."""
    if quiet_from is None or quiet_to is None:
        return ""
    return f"{quiet_from:%H:%M}-{quiet_to:%H:%M}"


def quiet_from_key(key: str) -> tuple[time | None, time | None]:
    if not key:
        return None, None
    start, end = key.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def after_quiet_hours(local: datetime, quiet_from: time | None, quiet_to: time | None) -> datetime:
    """The first local moment at or after `local` outside the quiet hours."""
    if not in_quiet_hours(local.time(), quiet_from, quiet_to):
        return local
    end = local.replace(hour=quiet_to.hour, minute=quiet_to.minute, second=0, microsecond=0)
    return end if end > local else end + timedelta(days=1)
