"""Reading the subscribers CSV into checked inputs (format errors by line, in Persian)."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.utils.translation import gettext as _

from kalantar.alarms.services import SubscriberInput
from kalantar.core.numbers import parse_decimal, parse_whole
from kalantar.core.persian import normalize_text, to_latin_digits

COLUMNS = ("account", "name", "kind", "lat", "lon", "phone", "supervision_minutes", "key")


def _number(text: str | None, parse=parse_decimal):
    """A number in the importers' one grammar (`core.numbers`); None for an empty cell."""
    return parse(text) if text and text.strip() else None


def read_csv(
    lines: Iterable[str],
) -> tuple[list[tuple[int, SubscriberInput]], list[tuple[int, str]]]:
    """(rows with their line numbers, (line, problem) pairs); the header line is line 1."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        return [], [(1, _("missing columns: %(c)s") % {"c": ", ".join(missing)})]
    rows, problems = [], []
    for record in reader:
        line = reader.line_num
        try:
            lat, lon = _number(record["lat"]), _number(record["lon"])
        except ValueError:
            problems.append((line, _("latitude and longitude must be numbers.")))
            continue
        try:
            minutes = _number(record["supervision_minutes"], parse_whole) or 0
        except ValueError:
            problems.append((line, _("supervision_minutes must be a whole number.")))
            continue
        account = to_latin_digits(record["account"] or "").strip()
        rows.append(
            (
                line,
                SubscriberInput(
                    name=normalize_text(record["name"]),
                    kind=(record["kind"] or "").strip().lower(),
                    lat=lat,
                    lon=lon,
                    accounts=[account] if account else [],
                    phone=record["phone"] or "",
                    supervision_minutes=minutes,
                    key=(record["key"] or "").strip(),
                ),
            )
        )
    if not rows and not problems:
        problems.append((1, _("The file has no rows.")))
    return rows, problems
