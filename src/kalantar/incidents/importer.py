"""Bulk import of incidents from CSV: validate every row first, then write all or nothing.

Columns: occurred_at (ISO 8601 with offset), category, lat, lon, and optionally source and
external_id. Re-importing a row with the same external_id updates it.

Rows are written with `core.bulk` (COPY / executemany), not the ORM's bulk_create; the
refusal and its errors by line are `core.importing`'s.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import repeat
from operator import itemgetter

import h3
import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.core import audit, bulk
from kalantar.core.importing import (
    ImportErrors,
    ImportRefused,
    ImportResult,
    header_problems,
    normalized_header,
    num,
)
from kalantar.core.jalali import TEHRAN
from kalantar.core.numbers import parse_decimal, parse_decimal_column
from kalantar.core.persian import to_latin_digits
from kalantar.incidents import categories, projection
from kalantar.incidents.models import Incident
from kalantar.incidents.services import H3_RESOLUTION, reserve_numbers
from kalantar.org.geo_cache import get_index
from kalantar.org.models import Unit
from kalantar.org.selectors import province_ids

REQUIRED = ("occurred_at", "category", "lat", "lon")
OPTIONAL = ("source", "external_id")
CHUNK = 20_000
# No record of a station's reaches back further; earlier times are typing mistakes (and
# year 1 with a positive offset falls before the first day Python's dates can hold).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
EARLIEST_MICROS = int(EARLIEST.timestamp() * 1_000_000)

Progress = Callable[[str], None]


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


def parse(
    lines: Iterable[str], *, progress: Progress | None = None, within: str | None = None
) -> Rows:
    """Read and check every row; raise ImportRefused with every problem found, by line.

    `within` is the unit path of the person importing ("" for the whole country; None for
    the command line): a row of a station outside it, or one updating such a station's
    incident, is refused as the person could not record it by hand."""
    errors = ImportErrors()
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused([_("The file is empty.")], 1) from None
    except (csv.Error, UnicodeDecodeError):
        raise ImportRefused([_("The file is not readable UTF-8 CSV.")], 1) from None
    header = normalized_header(header)
    for problem in header_problems(header, REQUIRED, OPTIONAL):
        errors.add_file(problem)
    errors.refuse_if_any()
    records, numbers, broken_at = _read(reader, progress)
    rows = _validate(records, numbers, _Columns(header), errors)
    if broken_at:
        errors.add(broken_at, _("the file is not readable UTF-8 CSV from here on."))
    if not errors.total and not len(rows):
        raise ImportRefused([_("The file contains no incidents.")], 1)
    _place(rows, errors, within)
    errors.refuse_if_any()
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


def _validate(
    records: list[list[str]], numbers: list[int], at: _Columns, errors: ImportErrors
) -> Rows:
    """The one check of the rows: a column at a time (a file of a million rows is checked
    in seconds), every problem added to `errors` by its line; the rows without problems
    returned."""
    found: list[tuple[int, int, str]] = []  # (line, column order, message)
    rows = [i for i, r in enumerate(records) if r and (len(r) > 1 or r[0].strip())]
    for i in rows:
        if len(records[i]) != at.width:
            found.append(
                (
                    numbers[i],
                    0,
                    _("expected %(expected)s fields, found %(found)s.")
                    % {"expected": num(at.width), "found": num(len(records[i]))},
                )
            )
    rows = [i for i in rows if len(records[i]) == at.width]
    kept = [records[i] for i in rows]
    lines = [numbers[i] for i in rows]
    ok = np.ones(len(kept), dtype=bool)

    def bad(j: int, order: int, message: str) -> None:
        ok[j] = False
        found.append((lines[j], order, message))

    def column(k: int) -> list[str]:
        values = list(map(itemgetter(k), kept))
        return values if "".join(values).isascii() else list(map(_latin, values))

    occurred, micros = _check_times(column(at.time), [r[at.time] for r in kept], bad)
    category = _check_categories([r[at.category] for r in kept], bad)
    lat, lon = _check_points(column(at.lat), column(at.lon), bad)
    source = _check_sources(column(at.source) if at.source is not None else None, len(kept), bad)
    external_id = _check_external_ids(
        column(at.external_id) if at.external_id is not None else None, lines, bad
    )
    for line, _order, message in sorted(found, key=itemgetter(0, 1)):
        errors.add(line, message)
    if not ok.all():
        picked = np.flatnonzero(ok).tolist()
        lines, occurred, category, source, external_id = (
            [values[j] for j in picked]
            for values in (lines, occurred, category, source, external_id)
        )
        lat, lon, micros = lat[ok], lon[ok], micros[ok]
    return Rows(
        lines=lines,
        occurred=occurred,
        category=category,
        lon=lon,
        lat=lat,
        source=source,
        external_id=external_id,
        micros=micros,
    )


def _check_times(texts: list[str], raw: list[str], bad) -> tuple[list[datetime], np.ndarray]:
    occurred = list(map(_parse_time, map(str.strip, texts)))
    for j in (j for j, when in enumerate(occurred) if when is None):
        bad(
            j,
            1,
            _(
                "“%(value)s” is not a time in ISO 8601 with its offset, such as "
                "2025-03-01T08:30:00+03:30."
            )
            % {"value": raw[j]},
        )
        occurred[j] = EARLIEST
    micros = _micros(occurred)
    for j in np.flatnonzero(micros > timezone.now().timestamp() * 1e6).tolist():
        bad(j, 1, _("the time of the incident is in the future."))
    for j in np.flatnonzero(micros < EARLIEST_MICROS).tolist():
        bad(j, 1, _("the time of the incident is before 1900."))
    return occurred, micros


def _check_categories(raw: list[str], bad) -> list[str]:
    category = list(map(str.lower, map(str.strip, raw)))
    unknown = {c for c in set(category) if not categories.is_known(c)}
    for j in (j for j, c in enumerate(category) if c in unknown):
        bad(j, 2, _("unknown category “%(code)s”.") % {"code": raw[j]})
    return category


def _check_points(lats: list[str], lons: list[str], bad) -> tuple[np.ndarray, np.ndarray]:
    lat, lon = _decimals(lats), _decimals(lons)
    with np.errstate(invalid="ignore"):
        wrong = ~((np.abs(lat) <= 90) & (np.abs(lon) <= 180))  # NaN: not a number
    for j in np.flatnonzero(wrong).tolist():
        bad(j, 3, _("latitude and longitude must be valid numbers in degrees."))
    return lat, lon


def _decimals(texts: list[str]) -> np.ndarray:
    """A column of numbers, NaN where a value is not one."""
    values = parse_decimal_column(texts)
    if values is None:
        values = np.array([np.nan if v is None else v for v in map(_float, texts)], dtype=float)
    return values


def _check_sources(texts: list[str] | None, n: int, bad) -> list[str]:
    if texts is None:
        return [Incident.Source.IMPORT.value] * n
    source = [s or Incident.Source.IMPORT.value for s in map(str.strip, texts)]
    known = set(Incident.Source.values)
    for j in (j for j, s in enumerate(source) if s not in known):
        bad(j, 4, _("unknown source “%(value)s”.") % {"value": source[j]})
    return source


def _check_external_ids(texts: list[str] | None, lines: list[int], bad) -> list[str | None]:
    if texts is None:
        return [None] * len(lines)
    external_id = [e or None for e in map(str.strip, texts)]
    seen: dict[str, int] = {}
    for j, ext in enumerate(external_id):
        if ext is None:
            continue
        if len(ext) > 100:
            bad(j, 5, _("the external id is longer than 100 characters."))
        elif ext in seen:
            bad(
                j,
                5,
                _("external id “%(value)s” already appears on line %(first)s.")
                % {"value": ext, "first": num(seen[ext], grouping=False)},
            )
        else:
            seen[ext] = lines[j]
    return external_id


def _route(rows: Rows, errors: ImportErrors) -> None:
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


def _place(rows: Rows, errors: ImportErrors, within: str | None) -> None:
    """Each row's station, and (for a person) whether it lies in their units."""
    _route(rows, errors)
    if within:
        _check_scope(rows, errors, within)


def _check_scope(rows: Rows, errors: ImportErrors, within: str) -> None:
    routed = set(rows.station_id.tolist()) - {0}
    inside = set(
        Unit.objects.filter(pk__in=routed, path__startswith=within).values_list("pk", flat=True)
    )
    for i in np.flatnonzero(~np.isin(rows.station_id, [0, *inside])).tolist():
        errors.add(rows.lines[i], _("the location is in a station outside your units."))
    stored = bulk.select_where_in(
        Incident._meta.db_table,
        ("external_id", "station_id"),
        "external_id",
        [e for e in rows.external_id if e is not None],
    )
    stations = {station for _ext, station in stored}
    stored_inside = set(
        Unit.objects.filter(pk__in=stations, path__startswith=within).values_list("pk", flat=True)
    )
    foreign = {ext for ext, station in stored if station not in stored_inside}
    for i, ext in enumerate(rows.external_id):
        if ext in foreign:
            errors.add(
                rows.lines[i],
                _("external id “%(value)s” is an incident of a station outside your units.")
                % {"value": ext},
            )


def _derive(rows: Rows) -> None:
    rows.day = local_days(rows.occurred)
    rows.h3_cell = list(
        map(h3.latlng_to_cell, rows.lat.tolist(), rows.lon.tolist(), repeat(H3_RESOLUTION))
    )


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def local_days(times: Sequence[datetime]) -> np.ndarray:
    """The Iranian local days of aware times, as datetime64[D]."""
    ordinals = np.fromiter(
        (t.astimezone(TEHRAN).toordinal() for t in times), dtype=np.int64, count=len(times)
    )
    return (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]")


def import_rows(rows: Rows, *, by=None, progress: Progress | None = None) -> ImportResult:
    """Write validated rows in one transaction: new external ids inserted, known ones updated."""
    started = timezone.now()
    say = progress or (lambda _msg: None)
    with transaction.atomic():
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
        # Imported rows are closed when new; an update keeps the status it had.
        closed = np.ones(len(rows), dtype=bool)
        closed[old_rows] = before.closed
        projection.record(
            projection.Change(
                removed=before.rows(),
                added=projection.Rows(
                    rows.station_id, rows.day, rows.category, rows.h3_cell, closed
                ),
            )
        )
        audit.record(
            "incidents.import",
            actor=by,
            object_type="incidents.incident",
            detail={"created": len(new), "updated": len(old_rows)},
        )
    seconds = (timezone.now() - started).total_seconds()
    return ImportResult(created=len(new), updated=len(old_rows), seconds=seconds)


@dataclass
class _Stored:
    """The stored incidents a file updates, as they were: parallel columns."""

    id: np.ndarray
    station_id: np.ndarray
    category: list[str]
    day: np.ndarray
    h3_cell: list[str]
    closed: np.ndarray

    def rows(self) -> projection.Rows:
        return projection.Rows(self.station_id, self.day, self.category, self.h3_cell, self.closed)


def _existing(rows: Rows) -> tuple[np.ndarray, _Stored]:
    """The positions of the rows whose external ids are stored already, and those stored
    incidents as they are (in the same order)."""
    wanted = {e: i for i, e in enumerate(rows.external_id) if e is not None}
    found = bulk.select_where_in(
        Incident._meta.db_table,
        ("external_id", "id", "station_id", "category", "day", "h3_cell", "status"),
        "external_id",
        list(wanted),
    )
    found.sort(key=lambda r: wanted[r[0]])
    positions = np.array([wanted[r[0]] for r in found], dtype=np.int64)
    return positions, _Stored(
        id=np.array([r[1] for r in found], dtype=np.int64),
        station_id=np.array([r[2] for r in found], dtype=np.int64),
        category=[r[3] for r in found],
        day=np.array([r[4] for r in found], dtype="datetime64[D]"),
        h3_cell=[r[5] for r in found],
        closed=np.array([r[6] == Incident.Status.CLOSED for r in found], dtype=bool),
    )


def _insert(rows: Rows, chunk: np.ndarray, numbers: list[str], now: datetime) -> None:
    picked = chunk.tolist()
    n = len(picked)
    category = [rows.category[i] for i in picked]
    occurred = bulk.instants(rows.micros[chunk])
    stations = rows.station_id[chunk].tolist()
    bulk.insert_columns(
        Incident._meta.db_table,
        {
            "number": numbers,
            "source": [rows.source[i] for i in picked],
            "category": category,
            "priority": list(map(categories.default_priority, category)),
            "station_id": stations,
            "province_id": _provinces(stations),
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


def _provinces(stations: list[int]) -> list[int | None]:
    """The province of each row's station (a row moved to another station may change it)."""
    found = province_ids(stations)
    return [found[s] for s in stations]


def _update(rows: Rows, chunk: np.ndarray, ids: np.ndarray) -> None:
    picked = chunk.tolist()
    category = [rows.category[i] for i in picked]
    stations = rows.station_id[chunk].tolist()
    bulk.update_columns_by_id(
        Incident._meta.db_table,
        {
            "source": [rows.source[i] for i in picked],
            "category": category,
            "priority": list(map(categories.default_priority, category)),
            "station_id": stations,
            "province_id": _provinces(stations),
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
