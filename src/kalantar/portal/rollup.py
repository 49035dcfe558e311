"""Keeping `ClosedIncidentCount` equal to what the incidents table says.

`refresh` recomputes the rollup for whole Jalali months from the incidents (idempotent:
run it twice, nothing changes). Every save or delete of an incident recounts its
station's month in the same transaction; a CSV import counts its rows in and out itself
(`on_incidents_imported`); other bulk writes (the demo) are caught by the periodic job over
recent days and by `kalantar rebuild_public_counts`.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

import h3
import jdatetime
import numpy as np
from django.db import IntegrityError, connection, transaction

from kalantar.core.jalali import jalali_month_start, tehran_today, to_jalali
from kalantar.portal.models import ClosedIncidentCount

CELL_RESOLUTION = 7
logger = logging.getLogger(__name__)
RECENT_DAYS = 45
_BATCH = 5000


def _month_start(day: date) -> date:
    return jalali_month_start(day)


def _month_end(day: date) -> date:
    j = to_jalali(day)
    year, month = (j.year + 1, 1) if j.month == 12 else (j.year, j.month + 1)
    return jdatetime.date(year, month, 1).togregorian() - timedelta(days=1)


def refresh(*, first: date | None = None, last: date | None = None, station_ids=None) -> int:
    """Recompute the rollup for the Jalali months touching first…last (all when None) and
    the stations given (all when None). Returns the number of rollup rows written."""
    from kalantar.incidents.models import Incident

    incidents = Incident.objects.filter(status=Incident.Status.CLOSED)
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
    with transaction.atomic():
        counts.delete()
        ClosedIncidentCount.objects.bulk_create(
            (
                ClosedIncidentCount(station_id=s, month=m, category=c, cell=cell, count=n)
                for (s, m, c, cell), n in merged.items()
            ),
            batch_size=_BATCH,
        )
    return len(merged)


_LOCK_SPACE = 0x50524F4C  # any constant; keeps these advisory locks apart from others


def refresh_station_days(keys: Iterable[tuple[int, date]]) -> None:
    for station_id, month in sorted({(s, _month_start(d)) for s, d in keys if s and d}):
        try:
            with transaction.atomic():
                _lock(station_id, month)
                refresh(first=month, last=month, station_ids=[station_id])
        except IntegrityError:
            # Only a race with another writer of the same month can get here; the incident
            # itself must still be saved, and the periodic job recounts the month.
            logger.warning(
                "public counts of station %s, %s left to the periodic job", station_id, month
            )


def _lock(station_id: int, month: date) -> None:
    """Serialise recounts of one station-month on PostgreSQL (SQLite has one writer)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [_LOCK_SPACE, (station_id * 10_000 + month.toordinal() % 10_000) % 2**31],
            )


def refresh_recent() -> str | None:
    """The periodic job: recent days, where bulk-written incidents land."""
    today = tehran_today()
    written = refresh(first=today - timedelta(days=RECENT_DAYS), last=today)
    return f"public counts: {written} rows for the last {RECENT_DAYS} days" if written else None


# --- Signals: every incident written through the ORM -------------------------------------------


def remember_key(sender, instance, **kwargs) -> None:
    # Read from __dict__: a deferred field (.only(), .defer()) must not cost a query per row.
    fields = instance.__dict__
    if "station_id" in fields and "day" in fields:
        instance._portal_rollup_key = (fields["station_id"], fields["day"])


def on_save(sender, instance, **kwargs) -> None:
    keys = [(instance.station_id, instance.day)]
    old = getattr(instance, "_portal_rollup_key", None)
    if old is not None and old != keys[0]:
        keys.append(old)
    refresh_station_days(keys)
    instance._portal_rollup_key = keys[0]


def on_delete(sender, instance, **kwargs) -> None:
    refresh_station_days([(instance.station_id, instance.day)])


# --- Incidents written by the CSV import (no per-row signals) -----------------------------------


def _parent_cell(cell: str, parents: dict[str, str]) -> str:
    """The counts' coarser cell for an incident's cell, memoised in `parents` (cells repeat
    across many incidents, and the conversion is the costly part of a rollup)."""
    parent = parents.get(cell)
    if parent is None:
        parent = parents[cell] = h3.cell_to_parent(cell, CELL_RESOLUTION) if cell else ""
    return parent


def on_incidents_imported(sender, added, removed, **kwargs) -> None:
    """Count the closed incidents an import added in, and those it changed out, in the
    import's own transaction (a recount of every month it touched would read millions of
    rows)."""
    changes: Counter[tuple] = Counter()
    for keys, sign in ((added, 1), (removed, -1)):
        if not len(keys):
            continue
        days, at = np.unique(keys.day, return_inverse=True)
        months = [_month_start(d).isoformat() for d in days.tolist()]
        month = [months[i] for i in at.ravel().tolist()]
        parents: dict[str, str] = {}
        cells = [_parent_cell(c, parents) for c in keys.h3_cell]
        for key, n in Counter(
            zip(keys.station_id.tolist(), month, keys.category, cells, strict=True)
        ).items():
            changes[key] += sign * n
    _add_changes(changes)


def _add_changes(changes: Counter[tuple]) -> None:
    rows = sorted((*key, n) for key, n in changes.items() if n)
    if not rows:
        return
    table = ClosedIncidentCount._meta.db_table
    key = "station_id, month, category, cell"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE closed_count_changes (station_id bigint, month date, "
            "category varchar(40), cell varchar(16), n integer)"
        )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY closed_count_changes FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany("INSERT INTO closed_count_changes VALUES (%s, %s, %s, %s, %s)", rows)
        cursor.execute(
            f"INSERT INTO {table} ({key}, count) SELECT {key}, n FROM closed_count_changes "
            f"WHERE n > 0 ON CONFLICT ({key}) DO UPDATE SET count = {table}.count + excluded.count"
        )
        if any(r[-1] < 0 for r in rows):
            # A count a stale rollup lacks stays absent; the periodic refresh recounts it.
            cursor.execute(
                f"UPDATE {table} SET count = CASE WHEN {table}.count + c.n > 0 "
                f"THEN {table}.count + c.n ELSE 0 END "
                "FROM closed_count_changes c WHERE c.n < 0 AND "
                + " AND ".join(f"{table}.{k} = c.{k}" for k in key.split(", "))
            )
            cursor.execute(f"DELETE FROM {table} WHERE count = 0")
        cursor.execute("DROP TABLE closed_count_changes")
