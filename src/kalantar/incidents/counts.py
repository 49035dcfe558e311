"""Daily counts per (station, category, Iranian local day), and their sums for every
command above the stations, kept current on every write."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from kalantar.incidents.models import DailyCount, Incident, UnitDailyCount
from kalantar.org.models import Unit

TEHRAN = ZoneInfo("Asia/Tehran")

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


def apply_deltas(deltas: Counter[Key] | dict[Key, int]) -> None:
    """Add `deltas` to the stored counts and their command sums (in the caller's transaction)."""
    deltas = {key: n for key, n in deltas.items() if n}
    if not deltas:
        return
    above = commands_above(k[0] for k in deltas)
    rollup: dict[Key, int] = defaultdict(int)
    for (station_id, category, day), n in deltas.items():
        for unit_id in above.get(station_id, ()):
            rollup[(unit_id, category, day)] += n
    _upsert(DailyCount._meta.db_table, "station_id", deltas)
    _upsert(UnitDailyCount._meta.db_table, "unit_id", rollup)


def _upsert(table: str, owner: str, deltas: dict[Key, int]) -> None:
    # One INSERT … ON CONFLICT for all keys: the ORM's bulk_update sends a CASE per row.
    # Sorted by key: the unique index is then filled in order, not at random pages.
    rows = sorted((o, c, d, n) for (o, c, d), n in deltas.items() if n)
    if not rows:
        return
    conflict = (
        f"ON CONFLICT ({owner}, category, day) DO UPDATE SET count = {table}.count + excluded.count"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) > 50:
            cursor.execute(
                f"CREATE TEMP TABLE count_deltas ({owner} bigint, category varchar(40), "
                "day date, count integer) ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY count_deltas FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({owner}, category, day, count) "
                f"SELECT {owner}, category, day, count FROM count_deltas {conflict}"
            )
            cursor.execute("DROP TABLE count_deltas")
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({owner}, category, day, count) VALUES (%s, %s, %s, %s) "
                + conflict,
                rows,
            )
        if any(n < 0 for *_key, n in rows):
            cursor.execute(f"DELETE FROM {table} WHERE count <= 0")


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
                f"INSERT INTO {table} (station_id, category, day, count) "
                f"SELECT station_id, category, day, COUNT(*) FROM {source} {where}"
                "GROUP BY station_id, category, day",
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
    pairs = [(s, u) for s, units in above.items() for u in units if u in affected]
    if not pairs:
        return
    table = UnitDailyCount._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE command_of (station_id bigint, unit_id bigint)")
        try:
            cursor.executemany("INSERT INTO command_of VALUES (%s, %s)", pairs)
            cursor.execute(
                f"INSERT INTO {table} (unit_id, category, day, count) "
                "SELECT m.unit_id, d.category, d.day, SUM(d.count) "
                f"FROM {DailyCount._meta.db_table} d JOIN command_of m "
                "ON m.station_id = d.station_id GROUP BY m.unit_id, d.category, d.day"
            )
        finally:
            cursor.execute("DROP TABLE command_of")
