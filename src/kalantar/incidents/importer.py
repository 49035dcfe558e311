"""Bulk import of incidents from CSV: validate every row first, then write all or nothing.

Columns: occurred_at (ISO 8601 with offset), category, lat, lon, and optionally source and
external_id. Re-importing a row with the same external_id updates it.

Rows are written with `incidents.bulk` (COPY / executemany), not the ORM's bulk_create.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import h3
import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.core import audit
from kalantar.core.persian import format_number, to_latin_digits
from kalantar.core.templatetags.kalantar import active_digits
from kalantar.incidents import bulk, categories, counts
from kalantar.incidents.models import Incident
from kalantar.incidents.services import H3_RESOLUTION, reserve_numbers
from kalantar.org.geo_cache import get_index
from kalantar.org.models import Unit

REQUIRED = ("occurred_at", "category", "lat", "lon")
OPTIONAL = ("source", "external_id")
CHUNK = 20_000
MAX_REPORTED_ERRORS = 200

Progress = Callable[[str], None]


def num(n: int, *, grouping: bool = True) -> str:
    """A count or line number in the digits of the active language."""
    return format_number(n, digits=active_digits(), grouping=grouping)


class ImportRefused(Exception):
    """The file has errors; nothing was imported. `errors` are Persian lines for the user."""

    def __init__(self, errors: list[str], total: int) -> None:
        super().__init__(f"{total} errors")
        self.errors = errors
        self.total = total


@dataclass
class Rows:
    """The validated rows, column by column (lighter than a million row objects)."""

    lines: list[int] = field(default_factory=list)
    occurred: list[datetime] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    lon: list[float] = field(default_factory=list)
    lat: list[float] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    external_id: list[str | None] = field(default_factory=list)
    station_id: list[int] = field(default_factory=list)
    day: list[date] = field(default_factory=list)
    h3_cell: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    seconds: float


class _Errors:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.total = 0

    def add(self, line: int, message: str) -> None:
        self.total += 1
        if len(self.lines) < MAX_REPORTED_ERRORS:
            self.lines.append(
                _("Line %(line)s: %(message)s")
                % {"line": num(line, grouping=False), "message": message}
            )

    def add_file(self, message: str) -> None:
        self.total += 1
        self.lines.append(message)


def _parse_time(text: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _latin(text: str) -> str:
    # Most files are plain ASCII; only other text needs Persian/Arabic digits folded.
    return text if text.isascii() else to_latin_digits(text)


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def parse(lines: Iterable[str], *, progress: Progress | None = None) -> Rows:
    """Read and check every row; raise ImportRefused with every problem found, by line."""
    errors = _Errors()
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused([_("The file is empty.")], 1) from None
    except (csv.Error, UnicodeDecodeError):
        raise ImportRefused([_("The file is not readable UTF-8 CSV.")], 1) from None
    header = [h.strip().lstrip("\ufeff").lower() for h in header]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if missing:
        errors.add_file(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        errors.add_file(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    if len(set(header)) != len(header):
        errors.add_file(_("A column appears twice in the header."))
    if errors.total:
        raise ImportRefused(errors.lines, errors.total)
    pos = {name: header.index(name) for name in header}
    i_time, i_cat, i_lat, i_lon = (pos[c] for c in REQUIRED)
    i_source, i_ext = pos.get("source"), pos.get("external_id")
    width = len(header)
    rows = Rows()
    seen_ext: dict[str, int] = {}
    sources = set(Incident.Source.values)
    now = timezone.now()
    line = 1
    try:
        for record in reader:
            line = reader.line_num
            if not record or (len(record) == 1 and not record[0].strip()):
                continue
            if len(record) != width:
                errors.add(
                    line,
                    _("expected %(expected)s fields, found %(found)s.")
                    % {"expected": num(width), "found": num(len(record))},
                )
                continue
            bad = False
            when = _parse_time(_latin(record[i_time]).strip())
            if when is None:
                errors.add(
                    line,
                    _(
                        "“%(value)s” is not a time in ISO 8601 with its offset, such as "
                        "2025-03-01T08:30:00+03:30."
                    )
                    % {"value": record[i_time]},
                )
                bad = True
            elif when > now:
                errors.add(line, _("the time of the incident is in the future."))
                bad = True
            category = record[i_cat].strip().lower()
            if not categories.is_known(category):
                errors.add(line, _("unknown category “%(code)s”.") % {"code": record[i_cat]})
                bad = True
            lat = _float(_latin(record[i_lat]))
            lon = _float(_latin(record[i_lon]))
            if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                errors.add(line, _("latitude and longitude must be valid numbers in degrees."))
                bad = True
            source = record[i_source].strip() if i_source is not None else ""
            source = source or Incident.Source.IMPORT
            if source not in sources:
                errors.add(line, _("unknown source “%(value)s”.") % {"value": source})
                bad = True
            ext = _latin(record[i_ext]).strip() if i_ext is not None else ""
            if ext:
                if len(ext) > 100:
                    errors.add(line, _("the external id is longer than 100 characters."))
                    bad = True
                elif ext in seen_ext:
                    errors.add(
                        line,
                        _("external id “%(value)s” already appears on line %(first)s.")
                        % {"value": ext, "first": num(seen_ext[ext], grouping=False)},
                    )
                    bad = True
                else:
                    seen_ext[ext] = line
            if bad:
                continue
            rows.lines.append(line)
            rows.occurred.append(when)
            rows.category.append(category)
            rows.lat.append(lat)
            rows.lon.append(lon)
            rows.source.append(source)
            rows.external_id.append(ext or None)
            if progress and len(rows) % 100_000 == 0:
                progress(_("%(n)s rows read") % {"n": num(len(rows))})
    except (csv.Error, UnicodeDecodeError):
        errors.add(line + 1, _("the file is not readable UTF-8 CSV from here on."))
    if not errors.total and not len(rows):
        raise ImportRefused([_("The file contains no incidents.")], 1)
    _route(rows, errors)
    if errors.total:
        raise ImportRefused(errors.lines, errors.total)
    _derive(rows)
    return rows


def _route(rows: Rows, errors: _Errors) -> None:
    index = get_index()
    if not len(rows):
        return
    codes = (
        index.locate_many(np.asarray(rows.lon), np.asarray(rows.lat))
        if index is not None
        else np.full(len(rows), None, dtype=object)
    )
    ids = dict(Unit.objects.filter(code__in=set(codes) - {None}).values_list("code", "id"))
    station_ids = []
    for line, code in zip(rows.lines, codes, strict=True):
        if code is None:
            errors.add(line, _("the location is outside every station's jurisdiction."))
            station_ids.append(0)
        else:
            station_ids.append(ids[code])
    rows.station_id = station_ids


def _derive(rows: Rows) -> None:
    tehran = counts.TEHRAN
    rows.day = [t.astimezone(tehran).date() for t in rows.occurred]
    to_cell = h3.latlng_to_cell
    rows.h3_cell = [
        to_cell(la, lo, H3_RESOLUTION) for la, lo in zip(rows.lat, rows.lon, strict=True)
    ]


def import_rows(rows: Rows, *, by=None, progress: Progress | None = None) -> ImportResult:
    """Write validated rows in one transaction: new external ids inserted, known ones updated."""
    started = timezone.now()
    say = progress or (lambda _msg: None)
    with transaction.atomic(), _large_cache():
        existing = _existing(rows)
        new = [i for i, ext in enumerate(rows.external_id) if ext is None or ext not in existing]
        old = [i for i, ext in enumerate(rows.external_id) if ext is not None and ext in existing]
        deltas: Counter = Counter()
        numbers = reserve_numbers(len(new)) if new else []
        for start in range(0, len(new), CHUNK):
            chunk = new[start : start + CHUNK]
            _insert(rows, chunk, numbers[start : start + CHUNK], started)
            say(
                _("%(done)s of %(total)s new incidents written")
                % {"done": num(start + len(chunk)), "total": num(len(new))}
            )
        for i in new:
            deltas[(rows.station_id[i], rows.category[i], rows.day[i])] += 1
        for start in range(0, len(old), CHUNK):
            chunk = old[start : start + CHUNK]
            _update(rows, chunk, existing)
            say(
                _("%(done)s of %(total)s existing incidents updated")
                % {"done": num(start + len(chunk)), "total": num(len(old))}
            )
        for i in old:
            _id, station_id, category, day = existing[rows.external_id[i]]
            deltas[(station_id, category, day)] -= 1
            deltas[(rows.station_id[i], rows.category[i], rows.day[i])] += 1
        counts.apply_deltas(deltas)
        audit.record(
            "incidents.import",
            actor=by,
            object_type="incidents.incident",
            detail={"created": len(new), "updated": len(old)},
        )
    seconds = (timezone.now() - started).total_seconds()
    return ImportResult(created=len(new), updated=len(old), seconds=seconds)


@contextmanager
def _large_cache():
    """On SQLite, a page cache big enough for the indexes of a large table while importing."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def _existing(rows: Rows) -> dict[str, tuple[int, int, str, date]]:
    """The stored incidents with the file's external ids: id, station, category, day."""
    ext_ids = [e for e in rows.external_id if e is not None]
    found: dict[str, tuple[int, int, str, date]] = {}
    if not ext_ids:
        return found
    table = Incident._meta.db_table
    select = f"SELECT external_id, id, station_id, category, day FROM {table} WHERE "
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            index = _sqlite_unique_index(cursor, table, "external_id")
            hint = f' INDEXED BY "{index}"' if index else ""
            sqlite_select = select.replace(" WHERE ", f"{hint} WHERE ")
        for start in range(0, len(ext_ids), 50_000):
            part = ext_ids[start : start + 50_000]
            if connection.vendor == "postgresql":
                cursor.execute(select + "external_id = ANY(%s)", [part])
                fetched = cursor.fetchall()
            else:
                fetched = []
                for at in range(0, len(part), 5000):
                    few = part[at : at + 5000]
                    cursor.execute(
                        sqlite_select + f"external_id IN ({', '.join(['%s'] * len(few))})", few
                    )
                    fetched += cursor.fetchall()
            for ext, pk, station_id, category, day in fetched:
                if isinstance(day, str):
                    day = date.fromisoformat(day)
                found[ext] = (pk, station_id, category, day)
    return found


def _sqlite_unique_index(cursor, table: str, column: str) -> str | None:
    """The name of the unique index on `column` alone. After ANALYZE on a table whose
    external ids are mostly NULL, SQLite rates this index useless (every NULL counts as
    one key) and scans the whole table for each IN (...) list: ten times slower."""
    cursor.execute(f'PRAGMA index_list("{table}")')
    for _seq, name, unique, *_rest in cursor.fetchall():
        if unique:
            cursor.execute(f'PRAGMA index_info("{name}")')
            if [row[2] for row in cursor.fetchall()] == [column]:
                return name
    return None


def _insert(rows: Rows, chunk: list[int], numbers: list[str], now: datetime) -> None:
    def pick(column: list) -> list:
        return [column[i] for i in chunk]

    n = len(chunk)
    category = pick(rows.category)
    priority = categories.default_priority
    occurred = pick(rows.occurred)
    bulk.insert_columns(
        Incident._meta.db_table,
        {
            "number": numbers,
            "source": pick(rows.source),
            "category": category,
            "priority": [priority(c) for c in category],
            "station_id": pick(rows.station_id),
            "lon": pick(rows.lon),
            "lat": pick(rows.lat),
            "h3_cell": pick(rows.h3_cell),
            "occurred_at": occurred,
            "day": pick(rows.day),
            "received_at": occurred,
            "status": [Incident.Status.CLOSED] * n,
            "outcome": [""] * n,
            "narrative": [""] * n,
            "alarm_ref": [""] * n,
            "external_id": pick(rows.external_id),
            "created_at": [now] * n,
        },
    )


def _update(rows: Rows, chunk: list[int], existing: dict) -> None:
    def pick(column: list) -> list:
        return [column[i] for i in chunk]

    category = pick(rows.category)
    priority = categories.default_priority
    occurred = pick(rows.occurred)
    bulk.update_columns_by_id(
        Incident._meta.db_table,
        {
            "source": pick(rows.source),
            "category": category,
            "priority": [priority(c) for c in category],
            "station_id": pick(rows.station_id),
            "lon": pick(rows.lon),
            "lat": pick(rows.lat),
            "h3_cell": pick(rows.h3_cell),
            "occurred_at": occurred,
            "day": pick(rows.day),
        },
        [existing[rows.external_id[i]][0] for i in chunk],
    )


def import_file(path: str, *, by=None, progress: Progress | None = None) -> ImportResult:
    """Parse and import a CSV file (UTF-8, with or without BOM)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = parse(handle, progress=progress)
    return import_rows(rows, by=by, progress=progress)


def import_text(text: str, *, by=None) -> ImportResult:
    return import_rows(parse(io.StringIO(text)), by=by)
