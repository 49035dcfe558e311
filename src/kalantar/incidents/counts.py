"""Daily counts per (station, category, Iranian local day), and their sums for every
command above the stations: the incidents app's own projection (see `projection`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from django.db import connection, transaction
from django.db.models import Count

from kalantar.core.jalali import TEHRAN
from kalantar.incidents.models import DailyCount, Incident, UnitDailyCount
from kalantar.incidents.projection import Change, Drift, Projection, compare
from kalantar.org.models import Unit
from kalantar.org.selectors import province_ids

Key = tuple[int, str, date]  # (station id, category, day)


def local_day(at: datetime) -> date:
    """The Iranian local date of an aware datetime."""
    return at.astimezone(TEHRAN).date()


def key_of(incident: Incident) -> Key:
    return (incident.station_id, incident.category, incident.day)


def commands_above(station_ids: Iterable[int]) -> dict[int, list[int]]:
    """For each station, the ids of the commands above it (from its materialised path)."""
    paths = dict(Unit.objects.filter(pk__in=set(station_ids)).values_list("id", "path"))
    codes = {c for path in paths.values() for c in path.strip("/").split("/")}
    ids = dict(Unit.objects.filter(code__in=codes).values_list("code", "id"))
    return {
        sid: [ids[c] for c in path.strip("/").split("/")[:-1] if c in ids]
        for sid, path in paths.items()
    }


@dataclass(frozen=True)
class Deltas:
    """Changes to daily counts as parallel numpy arrays, one entry per (owner, category,
    day) key: owner ids (stations, or the commands above them), indexes into the sorted
    category `names`, days (datetime64[D]) and amounts."""

    owner: np.ndarray
    category: np.ndarray
    day: np.ndarray
    n: np.ndarray
    names: list[str]

    @classmethod
    def summed(
        cls, owner: np.ndarray, category: np.ndarray, day: np.ndarray, n: np.ndarray, names
    ) -> Deltas:
        """One entry per distinct key with the sum of its amounts, zeros left out, sorted
        like the counts' unique index (owner, category, day). Numpy, not a Counter: an
        import of a million rows has millions of keys."""
        if not len(owner):
            return cls(owner, category, day, n, list(names))
        owners, owner_at = np.unique(owner, return_inverse=True)
        first = day.min()
        offset = (day - first).astype(np.int64)
        span = int(offset.max()) + 1
        key = (owner_at.ravel() * len(names) + category) * span + offset
        keys, where = np.unique(key, return_inverse=True)
        sums = np.bincount(where.ravel(), weights=n, minlength=len(keys)).round().astype(np.int64)
        keep = sums != 0
        keys, sums = keys[keep], sums[keep]
        return cls(
            owners[keys // (span * len(names))],
            (keys // span) % len(names),
            first + (keys % span).astype("timedelta64[D]"),
            sums,
            list(names),
        )

    @classmethod
    def from_counter(cls, deltas: Counter[Key] | dict[Key, int]) -> Deltas:
        names = sorted({c for _s, c, _d in deltas})
        code = {c: i for i, c in enumerate(names)}
        keys = list(deltas)
        return cls.summed(
            np.array([s for s, _c, _d in keys], dtype=np.int64),
            np.array([code[c] for _s, c, _d in keys], dtype=np.int64),
            np.array([d for _s, _c, d in keys], dtype="datetime64[D]"),
            np.array(list(deltas.values()), dtype=np.int64),
            names,
        )

    def __len__(self) -> int:
        return len(self.owner)

    def above(self) -> Deltas:
        """The same changes summed for every command above the stations."""
        stations = np.unique(self.owner)
        above = commands_above(stations.tolist())
        depth = max((len(units) for units in above.values()), default=0)
        at = np.searchsorted(stations, self.owner)
        parts = []
        for level in range(depth):  # the command `level` steps below the top, -1 if none
            command = np.array(
                [units[level] if level < len(units) else -1
                 for units in (above.get(s, []) for s in stations.tolist())],
                dtype=np.int64,
            )[at]  # fmt: skip
            has = command >= 0
            parts.append((command[has], self.category[has], self.day[has], self.n[has]))
        if not parts:
            return Deltas.summed(self.owner[:0], self.category[:0], self.day[:0], self.n[:0], [])
        return Deltas.summed(*(np.concatenate(c) for c in zip(*parts, strict=True)), self.names)


def apply_change(change: Change) -> None:
    """Every row added counts once where it is now, every row removed no longer where it
    was (an update that moves nothing cancels out and writes nothing)."""
    added, removed = change.added, change.removed
    names = sorted(set(added.category) | set(removed.category))
    code = {c: i for i, c in enumerate(names)}
    categories = added.category + removed.category
    apply_deltas(
        Deltas.summed(
            np.concatenate([added.station_id, removed.station_id]),
            np.fromiter(map(code.__getitem__, categories), np.int64, count=len(categories)),
            np.concatenate([added.day, removed.day]),
            np.concatenate([np.ones(len(added), np.int64), np.full(len(removed), -1, np.int64)]),
            names,
        )
    )


def apply_deltas(deltas: Counter[Key] | dict[Key, int] | Deltas) -> None:
    """Add `deltas` to the stored counts and their command sums (in the caller's transaction)."""
    if not isinstance(deltas, Deltas):
        deltas = Deltas.from_counter(deltas)  # zeros left out
    if not len(deltas):
        return
    _upsert(DailyCount._meta.db_table, "station_id", deltas)
    _upsert(UnitDailyCount._meta.db_table, "unit_id", deltas.above())


def _upsert(table: str, owner: str, deltas: Deltas) -> None:
    # One INSERT … ON CONFLICT for all keys: the ORM's bulk_update sends a CASE per row.
    # Sorted by key: the unique index is then filled in order, not at random pages.
    if not len(deltas):
        return
    names = deltas.names
    owners = deltas.owner.tolist()
    # A new key's row takes its owner's province; an existing one keeps it (it never moves).
    provinces = province_ids(owners)
    columns = (
        owners,
        [names[c] for c in deltas.category.tolist()],
        np.datetime_as_string(deltas.day, unit="D").tolist(),
        deltas.n.tolist(),
        [provinces.get(o) for o in owners],
    )
    lowered = bool((deltas.n < 0).any())
    conflict = (
        f"ON CONFLICT ({owner}, category, day) DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(deltas) > 50:
            cursor.execute(
                f"CREATE TEMP TABLE count_deltas ({owner} bigint, category varchar(40), "
                "day date, count integer, province_id bigint) ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY count_deltas FROM STDIN") as copy:
                for row in zip(*columns, strict=True):
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({owner}, category, day, count, province_id) "
                f"SELECT {owner}, category, day, count, province_id FROM count_deltas {conflict}"
            )
            if lowered:
                cursor.execute(
                    f"DELETE FROM {table} AS t USING count_deltas AS d WHERE d.count < 0 "
                    f"AND t.{owner} = d.{owner} AND t.category = d.category AND t.day = d.day "
                    "AND t.count <= 0"
                )
            cursor.execute("DROP TABLE count_deltas")
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({owner}, category, day, count, province_id) "
                f"VALUES (%s, %s, %s, %s, %s) {conflict}",
                list(zip(*columns, strict=True)),
            )
            if lowered:
                # Only a key whose count went down can have reached zero: a scan of the
                # whole table per change would grow with the history, not the change.
                cursor.executemany(
                    f"DELETE FROM {table} WHERE {owner} = %s AND category = %s AND day = %s "
                    "AND count <= 0",
                    [row[:3] for row in zip(*columns, strict=True) if row[3] < 0],
                )


def rebuild(*, station_ids: Iterable[int] | None = None) -> int:
    """Recompute the counts from the incident table; returns the number of station rows.

    INSERT … SELECT keeps the work inside the database.
    """
    table, source = DailyCount._meta.db_table, Incident._meta.db_table
    where, params = "", []
    with transaction.atomic():
        counts = DailyCount.objects.all()
        if station_ids is not None:
            station_ids = [int(s) for s in station_ids]
            if not station_ids:
                return 0
            counts = counts.filter(station_id__in=station_ids)
            where = f"WHERE station_id IN ({', '.join(['%s'] * len(station_ids))}) "
            params = station_ids
        counts.delete()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (station_id, province_id, category, day, count) "
                f"SELECT station_id, province_id, category, day, COUNT(*) FROM {source} {where}"
                "GROUP BY station_id, province_id, category, day",
                params,
            )
            written = cursor.rowcount
        _rebuild_rollup(station_ids)
    return written if written >= 0 else DailyCount.objects.count()


def _rebuild_rollup(station_ids: list[int] | None) -> None:
    """Recompute the command sums touched by `station_ids` (all when None) from DailyCount."""
    stations = Unit.objects.filter(kind__in=Unit.STATION_KINDS)
    above = commands_above(stations.values_list("id", flat=True))
    if station_ids is None:
        affected = {u for units in above.values() for u in units}
        UnitDailyCount.objects.all().delete()
    else:
        affected = {u for s in station_ids for u in above.get(s, ())}
        UnitDailyCount.objects.filter(unit_id__in=affected).delete()
    provinces = province_ids(affected)
    pairs = [(s, u, provinces.get(u)) for s, units in above.items() for u in units if u in affected]
    if not pairs:
        return
    table = UnitDailyCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE command_of (station_id bigint, unit_id bigint, province_id bigint)"
        )
        try:
            cursor.executemany("INSERT INTO command_of VALUES (%s, %s, %s)", pairs)
            cursor.execute(
                f"INSERT INTO {table} (unit_id, province_id, category, day, count) "
                "SELECT m.unit_id, m.province_id, d.category, d.day, SUM(d.count) "
                f"FROM {DailyCount._meta.db_table} d JOIN command_of m "
                "ON m.station_id = d.station_id "
                "GROUP BY m.unit_id, m.province_id, d.category, d.day"
            )
        finally:
            cursor.execute("DROP TABLE command_of")


def verify(fix: bool = False) -> Drift:
    """Recount the daily counts and their command sums from the incidents; report every
    key that differs, and rebuild both only when `fix`."""
    rows = Incident.objects.order_by().values_list("station_id", "category", "day")
    expected = {(s, c, d): n for s, c, d, n in rows.annotate(n=Count("id")).iterator()}
    stored = {
        (s, c, d): n
        for s, c, d, n in DailyCount.objects.values_list("station_id", "category", "day", "count")
    }
    drift = compare("daily_counts", expected, stored)
    above = commands_above({s for s, _c, _d in expected})
    expected_above: Counter[Key] = Counter()
    for (station, category, day), n in expected.items():
        for unit in above.get(station, ()):
            expected_above[(unit, category, day)] += n
    stored_above = {
        (u, c, d): n
        for u, c, d, n in UnitDailyCount.objects.values_list("unit_id", "category", "day", "count")
    }
    drift.add(compare("command_counts", expected_above, stored_above))
    if fix and drift:
        rebuild()
        drift.fixed = True
    return drift


PROJECTION = Projection("daily_counts", apply_change, verify)
