"""Keeping `ClosedIncidentCount` equal to what the incidents table says.

A projection of the incidents (`kalantar.incidents.projection`), registered by the
portal's apps.py: every write of incidents hands `apply` what it changed, in its own
transaction. `verify` recounts from the incidents and reports drift (`kalantar
verify_counts`); `refresh` recomputes whole Jalali months (idempotent: run it twice,
nothing changes).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import h3
import jdatetime
import numpy as np
from django.db import connection, transaction

from kalantar.core.jalali import jalali_month_start, to_jalali
from kalantar.incidents.models import Incident
from kalantar.incidents.projection import Change, Drift, Projection, compare
from kalantar.org.selectors import province_ids
from kalantar.portal.models import ClosedIncidentCount

CELL_RESOLUTION = 7
_BATCH = 5000


def _month_start(day: date) -> date:
    return jalali_month_start(day)


def _month_end(day: date) -> date:
    j = to_jalali(day)
    year, month = (j.year + 1, 1) if j.month == 12 else (j.year, j.month + 1)
    return jdatetime.date(year, month, 1).togregorian() - timedelta(days=1)


def _closed():
    return Incident.objects.filter(status=Incident.Status.CLOSED)


def _recount(incidents) -> Counter[tuple]:
    """The rollup's counts of `incidents` (closed ones), by (station, month, category, cell)."""
    rows = incidents.order_by().values_list("station_id", "day", "category", "h3_cell")
    totals: Counter[tuple] = Counter(rows.iterator(chunk_size=50_000))
    months: dict[date, date] = {}
    parents: dict[str, str] = {}
    merged: Counter[tuple] = Counter()
    for (station_id, day, category, cell), n in totals.items():
        month = months.get(day)
        if month is None:
            month = months[day] = _month_start(day)
        merged[(station_id, month, category, _parent_cell(cell, parents))] += n
    return merged


def refresh(*, first: date | None = None, last: date | None = None, station_ids=None) -> int:
    """Recompute the rollup for the Jalali months touching first…last (all when None) and
    the stations given (all when None). Returns the number of rollup rows written."""
    incidents = _closed()
    counts = ClosedIncidentCount.objects.all()
    if first is not None:
        first = _month_start(first)
        incidents, counts = incidents.filter(day__gte=first), counts.filter(month__gte=first)
    if last is not None:
        last = _month_end(last)
        incidents, counts = incidents.filter(day__lte=last), counts.filter(month__lte=last)
    if station_ids is not None:
        ids = list(station_ids)
        incidents, counts = incidents.filter(station_id__in=ids), counts.filter(station_id__in=ids)
    merged = _recount(incidents)
    provinces = province_ids({s for s, _m, _c, _cell in merged})
    with transaction.atomic():
        counts.delete()
        ClosedIncidentCount.objects.bulk_create(
            (
                ClosedIncidentCount(
                    station_id=s,
                    province_id=provinces.get(s),
                    month=m,
                    category=c,
                    cell=cell,
                    count=n,
                )
                for (s, m, c, cell), n in merged.items()
            ),
            batch_size=_BATCH,
        )
    return len(merged)


def _parent_cell(cell: str, parents: dict[str, str]) -> str:
    """The counts' coarser cell for an incident's cell, memoised in `parents` (cells repeat
    across many incidents, and the conversion is the costly part of a rollup)."""
    parent = parents.get(cell)
    if parent is None:
        parent = parents[cell] = h3.cell_to_parent(cell, CELL_RESOLUTION) if cell else ""
    return parent


def apply(change: Change) -> None:
    """Count the closed incidents a write added in, and those it changed out, in the
    write's own transaction (a recount of every month it touched would read millions of
    rows after an import)."""
    changes: Counter[tuple] = Counter()
    for rows, sign in ((change.added, 1), (change.removed, -1)):
        closed = rows.where(rows.closed)
        if not len(closed):
            continue
        days, at = np.unique(closed.day, return_inverse=True)
        months = [_month_start(d).isoformat() for d in days.tolist()]
        month = [months[i] for i in at.ravel().tolist()]
        parents: dict[str, str] = {}
        cells = [_parent_cell(c, parents) for c in closed.h3_cell]
        for key, n in Counter(
            zip(closed.station_id.tolist(), month, closed.category, cells, strict=True)
        ).items():
            changes[key] += sign * n
    _add_changes(changes)


def verify(fix: bool = False) -> Drift:
    """Recount the rollup from the incidents; report every key that differs, and recount
    it all only when `fix`."""
    stored = {
        (s, m, c, cell): n
        for s, m, c, cell, n in ClosedIncidentCount.objects.values_list(
            "station_id", "month", "category", "cell", "count"
        )
    }
    drift = compare("public_counts", _recount(_closed()), stored)
    if fix and drift:
        refresh()
        drift.fixed = True
    return drift


PROJECTION = Projection("public_counts", apply, verify)


def _add_changes(changes: Counter[tuple]) -> None:
    rows = sorted((*key, n) for key, n in changes.items() if n)
    if not rows:
        return
    # A new count row carries its station's province, like the incidents it counts.
    provinces = province_ids({r[0] for r in rows if r[-1] > 0})
    rows = [(*r[:-1], provinces.get(r[0]), r[-1]) for r in rows]
    table = ClosedIncidentCount._meta.db_table
    key = "station_id, month, category, cell"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE closed_count_changes (station_id bigint, month date, "
            "category varchar(40), cell varchar(16), province_id bigint, n integer)"
        )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY closed_count_changes FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                "INSERT INTO closed_count_changes VALUES (%s, %s, %s, %s, %s, %s)", rows
            )
        cursor.execute(
            f"INSERT INTO {table} ({key}, province_id, count) "
            f"SELECT {key}, province_id, n FROM closed_count_changes "
            f"WHERE n > 0 ON CONFLICT ({key}) DO UPDATE SET count = {table}.count + excluded.count"
        )
        if any(r[-1] < 0 for r in rows):
            # Never below zero: a count a drifted rollup lacks stays absent for
            # `verify_counts` to report.
            cursor.execute(
                f"UPDATE {table} SET count = CASE WHEN {table}.count + c.n > 0 "
                f"THEN {table}.count + c.n ELSE 0 END "
                "FROM closed_count_changes c WHERE c.n < 0 AND "
                + " AND ".join(f"{table}.{k} = c.{k}" for k in key.split(", "))
            )
            cursor.execute(f"DELETE FROM {table} WHERE count = 0")
        cursor.execute("DROP TABLE closed_count_changes")
