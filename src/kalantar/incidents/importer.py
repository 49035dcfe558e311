"""Bulk import of incidents from CSV: validate every row first, then write all or nothing.

Columns: occurred_at (ISO 8601 with offset), category, lat, lon, and optionally source and
external_id. Re-importing a row with the same external_id updates it.

Rows are written with `incidents.bulk` (COPY / executemany), not the ORM's bulk_create.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import repeat
from operator import itemgetter

import h3
import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.core import audit
from kalantar.core.numbers import parse_decimal, parse_decimal_column
from kalantar.core.persian import active_digits, format_number, to_latin_digits
from kalantar.incidents import bulk, categories, counts
from kalantar.incidents.models import Incident
from kalantar.incidents.services import H3_RESOLUTION, reserve_numbers
from kalantar.incidents.signals import Keys, incidents_imported
from kalantar.org.geo_cache import get_index
from kalantar.org.models import Unit

REQUIRED = ("occurred_at", "category", "lat", "lon")
OPTIONAL = ("source", "external_id")
CHUNK = 20_000
# No record of a station's reaches back further; earlier times are typing mistakes (and
# year 1 with a positive offset falls before the first day Python's dates can hold).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
EARLIEST_MICROS = int(EARLIEST.timestamp() * 1_000_000)
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
    lon: np.ndarray = field(default_factory=lambda: np.empty(0))
    lat: np.ndarray = field(default_factory=lambda: np.empty(0))
    source: list[str] = field(default_factory=list)
    external_id: list[str | None] = field(default_factory=list)
    station_id: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    # Microseconds since the epoch (UTC) and the Iranian local day, as numpy arrays.
    micros: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))
    day: np.ndarray = field(default_factory=lambda: np.empty(0, "datetime64[D]"))
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
        return parse_decimal(text)
    except ValueError:
        return None


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
    columns = _Columns(header)
    records, numbers, broken_at = _read(reader, progress)
    rows = None if broken_at else _clean_columns(records, numbers, columns)
    if rows is None:
        # Something is wrong somewhere: check row by row to name every problem by its line.
        rows = _checked_rows(records, numbers, columns, errors)
        if broken_at:
            errors.add(broken_at, _("the file is not readable UTF-8 CSV from here on."))
    if not errors.total and not len(rows):
        raise ImportRefused([_("The file contains no incidents.")], 1)
    _route(rows, errors)
    if errors.total:
        raise ImportRefused(errors.lines, errors.total)
    _derive(rows)
    return rows


@dataclass(frozen=True)
class _Columns:
    """Where each column is in the file's records."""

    time: int
    category: int
    lat: int
    lon: int
    source: int | None
    external_id: int | None
    width: int

    def __init__(self, header: list[str]) -> None:
        pos = {name: header.index(name) for name in header}
        for name in REQUIRED:
            object.__setattr__(self, "time" if name == "occurred_at" else name, pos[name])
        object.__setattr__(self, "source", pos.get("source"))
        object.__setattr__(self, "external_id", pos.get("external_id"))
        object.__setattr__(self, "width", len(header))


def _read(reader, progress: Progress | None) -> tuple[list[list[str]], list[int], int]:
    """Every record with its line number (a quoted field may span lines), and the line
    where the file stopped being readable CSV (0 when it is readable to the end)."""
    records: list[list[str]] = []
    numbers: list[int] = []
    keep, number = records.append, numbers.append
    line = 1
    try:
        for record in reader:
            keep(record)
            number(reader.line_num)
            if progress and len(records) % 100_000 == 0:
                progress(_("%(n)s rows read") % {"n": num(len(records))})
    except (csv.Error, UnicodeDecodeError):
        line = numbers[-1] if numbers else 1
        return records, numbers, line + 1
    return records, numbers, 0


def _clean_columns(records: list[list[str]], numbers: list[int], at: _Columns) -> Rows | None:
    """The rows of a file without a single problem, checked a column at a time (several
    times faster than row by row); None as soon as anything is off, for `_checked_rows`
    to find and name it. Both accept exactly the same values."""
    if not records or any(len(r) != at.width for r in records):
        return None  # blank lines or rows of the wrong width

    def column(i: int) -> list[str]:
        values = list(map(itemgetter(i), records))
        return values if "".join(values).isascii() else list(map(_latin, values))

    try:
        occurred = list(map(datetime.fromisoformat, map(str.strip, column(at.time))))
    except ValueError:
        return None
    lat, lon = parse_decimal_column(column(at.lat)), parse_decimal_column(column(at.lon))
    if lat is None or lon is None:
        return None
    if any(t.tzinfo is None for t in occurred):
        return None
    micros = _micros(occurred)
    if micros.max() > timezone.now().timestamp() * 1e6 or micros.min() < EARLIEST_MICROS:
        return None  # in the future, or before any record
    if np.abs(lat).max() > 90 or np.abs(lon).max() > 180:
        return None
    category = list(map(str.lower, map(str.strip, map(itemgetter(at.category), records))))
    if not all(map(categories.is_known, set(category))):
        return None
    if at.source is None:
        source = [Incident.Source.IMPORT.value] * len(records)
    else:
        source = [s or Incident.Source.IMPORT for s in map(str.strip, column(at.source))]
        if not set(source) <= set(Incident.Source.values):
            return None
    external_id: list[str | None]
    if at.external_id is None:
        external_id = [None] * len(records)
    else:
        external_id = [e or None for e in map(str.strip, column(at.external_id))]
        given = [e for e in external_id if e is not None]
        if len(set(given)) != len(given) or max(map(len, given), default=0) > 100:
            return None
    return Rows(
        lines=numbers,
        occurred=occurred,
        category=category,
        lon=lon,
        lat=lat,
        source=source,
        external_id=external_id,
        micros=micros,
    )


def _checked_rows(
    records: list[list[str]], numbers: list[int], at: _Columns, errors: _Errors
) -> Rows:
    """Check row by row, adding every problem to `errors` with its line."""
    rows = Rows()
    lats: list[float] = []
    lons: list[float] = []
    seen_ext: dict[str, int] = {}
    sources = set(Incident.Source.values)
    now = timezone.now()
    for record, line in zip(records, numbers, strict=True):
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        if len(record) != at.width:
            errors.add(
                line,
                _("expected %(expected)s fields, found %(found)s.")
                % {"expected": num(at.width), "found": num(len(record))},
            )
            continue
        bad = False
        when = _parse_time(_latin(record[at.time]).strip())
        if when is None:
            errors.add(
                line,
                _(
                    "“%(value)s” is not a time in ISO 8601 with its offset, such as "
                    "2025-03-01T08:30:00+03:30."
                )
                % {"value": record[at.time]},
            )
            bad = True
        elif when > now:
            errors.add(line, _("the time of the incident is in the future."))
            bad = True
        elif when < EARLIEST:
            errors.add(line, _("the time of the incident is before 1900."))
            bad = True
        category = record[at.category].strip().lower()
        if not categories.is_known(category):
            errors.add(line, _("unknown category “%(code)s”.") % {"code": record[at.category]})
            bad = True
        lat = _float(_latin(record[at.lat]))
        lon = _float(_latin(record[at.lon]))
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors.add(line, _("latitude and longitude must be valid numbers in degrees."))
            bad = True
        source = _latin(record[at.source]).strip() if at.source is not None else ""
        source = source or Incident.Source.IMPORT
        if source not in sources:
            errors.add(line, _("unknown source “%(value)s”.") % {"value": source})
            bad = True
        ext = _latin(record[at.external_id]).strip() if at.external_id is not None else ""
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
        lats.append(lat)
        lons.append(lon)
        rows.source.append(source)
        rows.external_id.append(ext or None)
    rows.lat, rows.lon = np.array(lats, dtype=float), np.array(lons, dtype=float)
    rows.micros = _micros(rows.occurred)
    return rows


def _route(rows: Rows, errors: _Errors) -> None:
    index = get_index()
    if not len(rows):
        return
    codes = (
        index.locate_many(rows.lon, rows.lat)
        if index is not None
        else np.full(len(rows), None, dtype=object)
    )
    ids = dict(Unit.objects.filter(code__in=set(codes) - {None}).values_list("code", "id"))
    ids[None] = 0
    rows.station_id = np.array([ids[c] for c in codes.tolist()], dtype=np.int64)
    for i in np.flatnonzero(rows.station_id == 0).tolist():
        errors.add(rows.lines[i], _("the location is outside every station's jurisdiction."))


def _derive(rows: Rows) -> None:
    rows.day = local_days(rows.micros)
    rows.h3_cell = list(
        map(h3.latlng_to_cell, rows.lat.tolist(), rows.lon.tolist(), repeat(H3_RESOLUTION))
    )


def local_days(micros: np.ndarray) -> np.ndarray:
    """The Iranian local days of UTC instants (µs since the epoch), as datetime64[D].

    Tehran's offset is looked up once per half hour of UTC time (every offset it ever had
    changes on such a boundary), not once per row: a millionth of the zoneinfo calls."""
    seconds = micros // 1_000_000
    halves, where = np.unique(seconds // 1800, return_inverse=True)
    offsets = np.empty(len(halves), dtype=np.int64)
    uneven = []
    for k, half in enumerate(halves.tolist()):
        start = datetime.fromtimestamp(half * 1800, UTC)
        first = start.astimezone(counts.TEHRAN).utcoffset()
        last = (start + timedelta(seconds=1799)).astimezone(counts.TEHRAN).utcoffset()
        offsets[k] = first.total_seconds()
        if first != last:
            uneven.append(k)
    days = ((seconds + offsets[where.ravel()]) // 86400).astype("datetime64[D]")
    for k in uneven:  # local mean time (before 1946) or a change off the half hour
        for i in np.flatnonzero(where.ravel() == k).tolist():
            at = datetime.fromtimestamp(int(seconds[i]), UTC)
            days[i] = np.datetime64(at.astimezone(counts.TEHRAN).date(), "D")
    return days


def import_rows(rows: Rows, *, by=None, progress: Progress | None = None) -> ImportResult:
    """Write validated rows in one transaction: new external ids inserted, known ones updated."""
    started = timezone.now()
    say = progress or (lambda _msg: None)
    with transaction.atomic(), _import_settings():
        old_rows, before = _existing(rows)
        is_old = np.zeros(len(rows), dtype=bool)
        is_old[old_rows] = True
        new = np.flatnonzero(~is_old)
        numbers = reserve_numbers(len(new)) if len(new) else []  # in the file's order
        # Written in (station, day) order: the indexes led by the station then grow at a
        # few places in turn instead of at random pages all over a large table.
        order = np.lexsort((rows.day[new], rows.station_id[new]))
        new, numbers = new[order], [numbers[i] for i in order.tolist()]
        for start in range(0, len(new), CHUNK):
            chunk = new[start : start + CHUNK]
            _insert(rows, chunk, numbers[start : start + CHUNK], started)
            say(
                _("%(done)s of %(total)s new incidents written")
                % {"done": num(start + len(chunk)), "total": num(len(new))}
            )
        for start in range(0, len(old_rows), CHUNK):
            chunk = slice(start, start + CHUNK)
            _update(rows, old_rows[chunk], before.id[chunk])
            say(
                _("%(done)s of %(total)s existing incidents updated")
                % {"done": num(start + len(old_rows[chunk])), "total": num(len(old_rows))}
            )
        counts.apply_deltas(_count_changes(rows, before))
        if incidents_imported.has_listeners(Incident):
            was_closed = before.status == Incident.Status.CLOSED
            closed = np.concatenate([new, old_rows[was_closed]])
            at = closed.tolist()
            incidents_imported.send(
                Incident,
                added=Keys(
                    rows.station_id[closed],
                    rows.day[closed],
                    [rows.category[i] for i in at],
                    [rows.h3_cell[i] for i in at],
                ),
                removed=before.keys(was_closed),
            )
        audit.record(
            "incidents.import",
            actor=by,
            object_type="incidents.incident",
            detail={"created": len(new), "updated": len(old_rows)},
        )
    seconds = (timezone.now() - started).total_seconds()
    return ImportResult(created=len(new), updated=len(old_rows), seconds=seconds)


def _count_changes(rows: Rows, before: _Stored) -> counts.Deltas:
    """Every row counts once where it is now, and no longer where it was before."""
    names = sorted(set(rows.category) | set(before.category))
    code = {c: i for i, c in enumerate(names)}
    n_old = len(before.id)
    return counts.Deltas.summed(
        np.concatenate([rows.station_id, before.station_id]),
        np.fromiter(map(code.__getitem__, rows.category + before.category), np.int64),
        np.concatenate([rows.day, before.day]),
        np.concatenate([np.ones(len(rows), np.int64), np.full(n_old, -1, np.int64)]),
        names,
    )


@dataclass
class _Stored:
    """The stored incidents a file updates, as they were: parallel columns."""

    id: np.ndarray
    station_id: np.ndarray
    category: list[str]
    day: np.ndarray
    h3_cell: list[str]
    status: np.ndarray

    def keys(self, which: np.ndarray) -> Keys:
        picked = np.flatnonzero(which).tolist()
        return Keys(
            self.station_id[which],
            self.day[which],
            [self.category[i] for i in picked],
            [self.h3_cell[i] for i in picked],
        )


@contextmanager
def _import_settings():
    """Settings of the import's connection for the length of the import.

    SQLite: a page cache big enough for the indexes of a large table, and the database
    file memory-mapped (pages read without a system call each). PostgreSQL keeps its
    synchronous commit: an import reported done must survive a crash, like any write."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = cursor.fetchone()[0]
        cursor.execute("PRAGMA mmap_size")
        mmap = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
        cursor.execute("PRAGMA mmap_size = 17179869184")  # up to 16 GiB of address space
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
            cursor.execute(f"PRAGMA mmap_size = {int(mmap[0]) if mmap else 0}")


def _existing(rows: Rows) -> tuple[np.ndarray, _Stored]:
    """The positions of the rows whose external ids are stored already, and those stored
    incidents as they are (in the same order)."""
    wanted = {e: i for i, e in enumerate(rows.external_id) if e is not None}
    found: list[tuple] = []
    if wanted:
        table = Incident._meta.db_table
        select = f"SELECT external_id, id, station_id, category, day, h3_cell, status FROM {table}"
        ext_ids = list(wanted)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for start in range(0, len(ext_ids), 100_000):
                    part = ext_ids[start : start + 100_000]
                    cursor.execute(select + " WHERE external_id = ANY(%s)", [part])
                    found += cursor.fetchall()
            else:
                index = _sqlite_unique_index(cursor, table, "external_id")
                hint = f' INDEXED BY "{index}"' if index else ""
                for start in range(0, len(ext_ids), 5000):
                    few = ext_ids[start : start + 5000]
                    marks = ", ".join(["%s"] * len(few))
                    cursor.execute(f"{select}{hint} WHERE external_id IN ({marks})", few)
                    found += cursor.fetchall()
    found.sort(key=lambda r: wanted[r[0]])
    positions = np.array([wanted[r[0]] for r in found], dtype=np.int64)
    days = [d if isinstance(d, date) else date.fromisoformat(d) for d in (r[4] for r in found)]
    return positions, _Stored(
        id=np.array([r[1] for r in found], dtype=np.int64),
        station_id=np.array([r[2] for r in found], dtype=np.int64),
        category=[r[3] for r in found],
        day=np.array(days, dtype="datetime64[D]"),
        h3_cell=[r[5] for r in found],
        status=np.array([r[6] for r in found], dtype=object),
    )


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


def _insert(rows: Rows, chunk: np.ndarray, numbers: list[str], now: datetime) -> None:
    picked = chunk.tolist()
    n = len(picked)
    category = [rows.category[i] for i in picked]
    occurred = bulk.instants(rows.micros[chunk])
    bulk.insert_columns(
        Incident._meta.db_table,
        {
            "number": numbers,
            "source": [rows.source[i] for i in picked],
            "category": category,
            "priority": list(map(categories.default_priority, category)),
            "station_id": rows.station_id[chunk].tolist(),
            "lon": rows.lon[chunk].tolist(),
            "lat": rows.lat[chunk].tolist(),
            "h3_cell": [rows.h3_cell[i] for i in picked],
            "occurred_at": occurred,
            "day": np.datetime_as_string(rows.day[chunk], unit="D").tolist(),
            "received_at": occurred,
            "status": [Incident.Status.CLOSED.value] * n,
            "outcome": [""] * n,
            "narrative": [""] * n,
            "alarm_ref": [""] * n,
            "external_id": [rows.external_id[i] for i in picked],
            "created_at": bulk.instants(_micros([now])) * n,
        },
    )


def _micros(times: Sequence[datetime]) -> np.ndarray:
    """Aware times as microseconds since the epoch: the import's one time representation."""
    return np.round(np.array([t.timestamp() for t in times], dtype=float) * 1e6).astype(np.int64)


def _update(rows: Rows, chunk: np.ndarray, ids: np.ndarray) -> None:
    picked = chunk.tolist()
    category = [rows.category[i] for i in picked]
    bulk.update_columns_by_id(
        Incident._meta.db_table,
        {
            "source": [rows.source[i] for i in picked],
            "category": category,
            "priority": list(map(categories.default_priority, category)),
            "station_id": rows.station_id[chunk].tolist(),
            "lon": rows.lon[chunk].tolist(),
            "lat": rows.lat[chunk].tolist(),
            "h3_cell": [rows.h3_cell[i] for i in picked],
            "occurred_at": bulk.instants(rows.micros[chunk]),
            "day": np.datetime_as_string(rows.day[chunk], unit="D").tolist(),
        },
        ids.tolist(),
    )


def import_file(path: str, *, by=None, progress: Progress | None = None) -> ImportResult:
    """Parse and import a CSV file (UTF-8, with or without BOM)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = parse(handle, progress=progress)
    return import_rows(rows, by=by, progress=progress)


def import_text(text: str, *, by=None) -> ImportResult:
    return import_rows(parse(io.StringIO(text)), by=by)
