"""Benchmark: CompStat, hotspots, surge detection and CSV import at national scale.

Builds a synthetic country (default 10,000,000 incidents over two years, 4,000 stations in
31 provinces of ~13 counties each, every station a 0.1° square) in a database of its own,
then times, as medians over --repeats runs, each query the way Kalantar does it (from the
daily counts / the stored H3 cell) against the naive way (aggregating the incident table
directly, or computing cells in Python), and prints the ratios. Then imports a CSV of
--import-rows rows with `kalantar import_incidents`' code and, as the baseline, Django's
bulk_create on part of it.

Each database runs in a child process of its own (the settings read DATABASE_URL once):

    python bench/analytics.py                      # both databases, full size
    python bench/analytics.py --incidents 200000 --stations 400 --import-rows 50000
    python bench/analytics.py --backends postgres  # one database only

SQLite goes to a file in the temporary directory (--sqlite-path); PostgreSQL to the
database `kalantar_bench_analytics` (--pg-database) on $BENCH_POSTGRES (default
postgres://postgres@127.0.0.1:5432), dropped and created afresh.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "kalantar_bench_analytics"
GOALS = (
    "goals: CompStat province < 1 s and ≥ 20× naive; county hotspots < 1 s; "
    "surges for all stations < 60 s; import ≥ 50,000 rows/s"
)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(args)
    print(
        f"Kalantar analytics benchmark — {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores"
    )
    print(
        f"{args.incidents:,} incidents, {args.stations:,} stations, {args.days} days; "
        f"medians of {args.repeats} runs"
    )
    print(GOALS)
    status = 0
    for backend in args.backends.split(","):
        print(f"\n=== {backend} ===", flush=True)
        cmd = [sys.executable, __file__, "--child", backend, *(argv or sys.argv[1:])]
        env = {**os.environ, "DATABASE_URL": database_url(backend, args)}
        env.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")
        status |= subprocess.call(cmd, env=env, cwd=ROOT)
    return status


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--incidents", type=int, default=10_000_000)
    p.add_argument("--stations", type=int, default=4_000)
    p.add_argument("--provinces", type=int, default=31)
    p.add_argument("--stations-per-county", type=int, default=10)
    p.add_argument("--days", type=int, default=730)
    p.add_argument("--import-rows", type=int, default=1_000_000)
    p.add_argument("--baseline-import-rows", type=int, default=100_000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--no-queries", action="store_true", help="only the import figures")
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument(
        "--sqlite-path",
        default=str(Path(tempfile.gettempdir()) / "kalantar-bench-analytics.sqlite3"),
    )
    p.add_argument("--pg-database", default=PG_NAME, help="dropped and created afresh")
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--child", default="")
    args, _unknown = p.parse_known_args(argv)
    return args


def database_url(backend: str, args) -> str:
    if backend == "sqlite":
        return f"sqlite:///{args.sqlite_path}"
    return f"{PG_SERVER}/{args.pg_database}"


# -- child: one database --------------------------------------------------------------


def child(args) -> int:
    backend = args.child
    fresh_database(backend, args)
    import django

    sys.path.insert(0, str(ROOT / "src"))
    django.setup()
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"schema                      {time.perf_counter() - t:8.1f} s", flush=True)
    world = build_world(args)
    load_incidents(args, world)
    if not args.no_queries:
        run_queries(args, world)
    run_import(args, world)
    return 0


def fresh_database(backend: str, args) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(args.sqlite_path + suffix).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {args.pg_database}")
        conn.execute(f"CREATE DATABASE {args.pg_database}")


class World:
    """The synthetic country: unit ids, station squares and the day the figures are for."""

    def __init__(self) -> None:
        self.station_ids: list[int] = []
        self.squares: list[tuple[float, float]] = []
        self.province_codes: list[str] = []
        self.county_codes: list[str] = []
        self.first_day = date(2023, 6, 1)
        self.last_day = date(2023, 6, 1)


SIZE = 0.1  # degrees: each station is a square of about 10 × 11 km
CATEGORIES = (
    "snatching",
    "theft-from-vehicle",
    "home-burglary",
    "shop-burglary",
    "fraud",
    "assault",
    "traffic-accident",
    "noise",
    "harassment",
    "vehicle-theft",
)


def build_world(args) -> World:
    from django.db import transaction

    from kalantar.org.models import Jurisdiction, Unit

    t = time.perf_counter()
    world = World()
    world.last_day = world.first_day + timedelta(days=args.days - 1)
    columns = int(args.stations**0.5) + 1
    with transaction.atomic():
        nation = Unit.objects.create(code="IR", name="ناجا", kind="national")
        per_province = -(-args.stations // args.provinces)
        units, squares, parents = [], [], {}
        for i in range(args.stations):
            p, c = i // per_province, (i % per_province) // args.stations_per_county
            pcode, ccode = f"P{p:02d}", f"P{p:02d}C{c:02d}"
            if pcode not in parents:
                parents[pcode] = Unit(
                    code=pcode,
                    name=pcode,
                    kind="province",
                    parent=nation,
                    path=f"{nation.path}{pcode}/",
                )
                world.province_codes.append(pcode)
            if ccode not in parents:
                parents[ccode] = Unit(
                    code=ccode,
                    name=ccode,
                    kind="county",
                    parent=parents[pcode],
                    path=f"{nation.path}{pcode}/{ccode}/",
                )
                world.county_codes.append(ccode)
            scode = f"{ccode}S{i:04d}"
            lon0, lat0 = 44.0 + (i % columns) * SIZE, 25.0 + (i // columns) * SIZE
            squares.append((lon0, lat0))
            units.append(
                Unit(
                    code=scode,
                    name=scode,
                    kind="kalantari",
                    parent=parents[ccode],
                    path=f"{nation.path}{pcode}/{ccode}/{scode}/",
                    hq_lon=lon0 + SIZE / 2,
                    hq_lat=lat0 + SIZE / 2,
                )
            )
        Unit.objects.bulk_create([u for code, u in parents.items() if len(code) == 3])
        Unit.objects.bulk_create([u for code, u in parents.items() if len(code) > 3])
        Unit.objects.bulk_create(units, batch_size=500)
        ids = dict(Unit.objects.filter(kind="kalantari").values_list("code", "id"))
        world.station_ids = [ids[u.code] for u in units]
        world.squares = squares
        Jurisdiction.objects.bulk_create(
            [
                Jurisdiction(unit_id=ids[u.code], geometry=_square(*sq), area_km2=110.0)
                for u, sq in zip(units, squares, strict=True)
            ],
            batch_size=500,
        )
    print(f"units and jurisdictions     {time.perf_counter() - t:8.1f} s", flush=True)
    return world


def _square(lon: float, lat: float) -> dict:
    ring = [[lon, lat], [lon + SIZE, lat], [lon + SIZE, lat + SIZE], [lon, lat + SIZE], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def load_incidents(args, world: World) -> None:
    """Synthetic incidents written with the same bulk path as the importer, then counts."""
    import h3
    import numpy as np
    from django.db import connection, transaction

    from kalantar.core import bulk
    from kalantar.incidents import counts
    from kalantar.incidents.models import Incident

    rng = np.random.default_rng(args.seed)
    t = time.perf_counter()
    pool = 256  # points per station, each with its H3 cell computed once
    n_st = len(world.station_ids)
    px = rng.uniform(0, SIZE, (n_st, pool)) + np.array([s[0] for s in world.squares])[:, None]
    py = rng.uniform(0, SIZE, (n_st, pool)) + np.array([s[1] for s in world.squares])[:, None]
    cells = [
        [h3.latlng_to_cell(float(py[s, k]), float(px[s, k]), 9) for k in range(pool)]
        for s in range(n_st)
    ]
    weights = np.array([10, 9, 7, 5, 8, 8, 12, 6, 5, 4], dtype=float)
    weights /= weights.sum()
    table = Incident._meta.db_table
    columns = (
        "number",
        "source",
        "category",
        "priority",
        "station_id",
        "lon",
        "lat",
        "h3_cell",
        "occurred_at",
        "day",
        "received_at",
        "status",
        "outcome",
        "narrative",
        "alarm_ref",
        "created_at",
    )
    indexes = _drop_indexes(table)
    chunk = 500_000
    created = datetime.now(UTC).isoformat(" ")
    pg = connection.vendor == "postgresql"
    base = np.datetime64(world.first_day.isoformat(), "s") - np.timedelta64(12600, "s")
    written = 0
    with transaction.atomic():
        while written < args.incidents:
            n = min(chunk, args.incidents - written)
            st = rng.integers(0, n_st, n)
            k = rng.integers(0, pool, n)
            cat = rng.choice(len(CATEGORIES), n, p=weights)
            local_seconds = rng.integers(0, args.days * 86400, n)
            occurred = base + local_seconds.astype("timedelta64[s]")  # UTC = local − 3:30
            day = np.datetime64(world.first_day.isoformat(), "D") + (local_seconds // 86400).astype(
                "timedelta64[D]"
            )
            occ = np.datetime_as_string(occurred, unit="s")
            occ = np.char.add(np.char.replace(occ, "T", " "), "+00:00" if pg else "")
            days = np.datetime_as_string(day, unit="D")
            ids = np.asarray(world.station_ids)[st]
            lons, lats = px[st, k], py[st, k]
            records = (
                (
                    f"B{written + j:09d}",
                    "call_110",
                    CATEGORIES[cat[j]],
                    3,
                    int(ids[j]),
                    float(lons[j]),
                    float(lats[j]),
                    cells[st[j]][k[j]],
                    occ[j],
                    days[j],
                    occ[j],
                    "closed",
                    "",
                    "",
                    "",
                    created,
                )
                for j in range(n)
            )
            bulk.insert(table, columns, records)
            written += n
            print(f"  {written:,} incidents written  {time.perf_counter() - t:8.1f} s", flush=True)
    # Outside the load's transaction: PostgreSQL's deferred foreign-key checks must be done.
    t_index = time.perf_counter()
    _create_indexes(indexes)
    print(f"indexes rebuilt             {time.perf_counter() - t_index:8.1f} s", flush=True)
    t_counts = time.perf_counter()
    rows = counts.rebuild()
    print(
        f"daily counts rebuilt        {time.perf_counter() - t_counts:8.1f} s ({rows:,} rows)",
        flush=True,
    )
    _analyze()
    print(f"incidents loaded            {time.perf_counter() - t:8.1f} s", flush=True)


def _drop_indexes(table: str) -> list[str]:
    """Drop the secondary indexes so the load is a plain append; return how to recreate them."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = %s AND c.contype = 'u'",
                [table],
            )
            constraints = cursor.fetchall()
            for name, _d in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "AND indexname NOT LIKE %s",
                [table, "%pkey"],
            )
            found = cursor.fetchall()
            for name, _d in found:
                cursor.execute(f'DROP INDEX "{name}"')
            return [f'ALTER TABLE {table} ADD CONSTRAINT "{n}" {d}' for n, d in constraints] + [
                d for _n, d in found
            ]
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [table],
        )
        found = cursor.fetchall()
        for name, _sql in found:
            cursor.execute(f'DROP INDEX "{name}"')
        return [sql for _n, sql in found]


def _create_indexes(statements: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _median(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _line(label: str, ours: float, naive: float | None, note: str = "") -> None:
    ratio = f"{naive / ours:8.1f}×" if naive else ""
    naive_text = f"{naive * 1000:10.1f} ms" if naive else " " * 13
    print(f"{label:<28}{ours * 1000:10.1f} ms  naive {naive_text}  {ratio}  {note}", flush=True)


def run_queries(args, world: World) -> None:
    from kalantar.analytics import selectors, services
    from kalantar.org.models import Unit
    from kalantar.org.selectors import stations_under

    day = world.last_day
    repeats = args.repeats
    station = Unit.objects.get(pk=world.station_ids[len(world.station_ids) // 2])
    province = Unit.objects.get(code=world.province_codes[0])
    county = Unit.objects.get(code=world.county_codes[0])
    n_prov = stations_under(province).count()
    print("\nquery                           ours (median)   naive (median)     ratio", flush=True)
    for label, unit, rep in (
        ("CompStat, one station", station, repeats),
        (f"CompStat, province ({n_prov} st.)", province, repeats),
    ):
        ours, table = _median(lambda u=unit: selectors.compstat_for(u, day), rep)
        naive, naive_table = _median(lambda u=unit: compstat_naive(u, day), max(1, rep // 2))
        same = _same(table, naive_table)
        _line(label, ours, naive, "same figures" if same else "FIGURES DIFFER")
    start = day - timedelta(days=89)
    ours, cells = _median(lambda: selectors.hotspots_for(county, start, day, None, 8), repeats)
    naive, naive_cells = _median(lambda: naive_hotspots(county, start, day), max(1, repeats // 2))
    same = [(c.h3, c.count) for c in cells] == naive_cells
    _line(
        f"hotspots, county ({len(cells):,} cells)",
        ours,
        naive,
        "same counts" if same else "COUNTS DIFFER",
    )
    ours, result = _median(lambda: selectors.window_sums(day), max(1, repeats // 2))
    naive, naive_result = _median(lambda: naive_window_sums(day), 1)
    _line(
        f"surge sums, {len(world.station_ids):,} stations",
        ours,
        naive,
        "same sums" if sorted(result) == sorted(naive_result) else "SUMS DIFFER",
    )
    t = time.perf_counter()
    detected = services.detect_surges(day=day)
    print(
        f"nightly surge detection     {time.perf_counter() - t:8.2f} s  "
        f"({detected.tested:,} station × category pairs, {len(detected.created)} alerts)",
        flush=True,
    )


def _same(a, b) -> bool:
    def flat(t):
        return sorted(
            (r.category, k, f.current, f.previous) for r in t.rows for k, f in r.figures.items()
        )

    return flat(a) == flat(b) and a.trend == b.trend


def compstat_naive(unit, day: date, *, trend_weeks: int = 52):
    """The CompStat table aggregated straight from the incident table: the baseline."""
    from django.db.models import Count

    from kalantar.analytics import compstat as cs
    from kalantar.incidents.models import Incident

    span = cs.needed_span(day, trend_weeks)
    rows = (
        Incident.objects.filter(
            station__path__startswith=unit.path, day__gte=span.start, day__lte=span.end
        )
        .values_list("category", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    return cs.build(day, rows, trend_weeks=trend_weeks)


def naive_hotspots(county, start: date, end: date) -> list[tuple[str, int]]:
    """Every incident's coordinates to Python, its cell computed there, then the same Gi*."""
    import h3
    import numpy as np

    from kalantar.analytics.gistar import h3_neighbours, hotspots
    from kalantar.analytics.selectors import study_area
    from kalantar.incidents.models import Incident

    area = study_area(county, 8)
    counts = dict.fromkeys(area, 0)
    for lat, lon in Incident.objects.filter(
        station__path__startswith=county.path, day__gte=start, day__lte=end
    ).values_list("lat", "lon"):
        cell = h3.cell_to_parent(h3.latlng_to_cell(lat, lon, 9), 8)
        if cell in counts:
            counts[cell] += 1
    hotspots(np.array([counts[c] for c in area], dtype=float), h3_neighbours(area))
    return [(c, counts[c]) for c in area]


def naive_window_sums(day: date):
    """The surge test's thirteen 28-day sums per station and category, from the incidents."""
    from django.db.models import Case, Count, IntegerField, Sum, When

    from kalantar.incidents.models import Incident

    annotations = {}
    for k in range(13):
        end = day - timedelta(days=28 * k)
        annotations[f"p{k}"] = Sum(
            Case(
                When(day__gte=end - timedelta(days=27), day__lte=end, then=1),
                default=0,
                output_field=IntegerField(),
            )
        )
    rows = (
        Incident.objects.filter(day__gte=day - timedelta(days=28 * 13 - 1), day__lte=day)
        .values("station_id", "category")
        .annotate(n=Count("id"), **annotations)
        .order_by()
    )
    return [
        (r["station_id"], r["category"], r[f"p{0}"], [r[f"p{k}"] for k in range(1, 13)])
        for r in rows
    ]


def run_import(args, world: World) -> None:
    """The importer against Django's bulk_create, in alternating rounds (each round new
    external ids, so every row is inserted), medians and their ratio in rows per second."""
    import numpy as np

    if args.import_rows <= 0:
        return
    rng = np.random.default_rng(args.seed + 1)
    path = Path(tempfile.gettempdir()) / f"kalantar-bench-import-{os.getpid()}.csv"
    n = args.import_rows
    st = rng.integers(0, len(world.squares), n)
    sq = np.asarray(world.squares)
    lon = sq[st, 0] + rng.uniform(0.001, SIZE - 0.001, n)
    lat = sq[st, 1] + rng.uniform(0.001, SIZE - 0.001, n)
    seconds = rng.integers(0, args.days * 86400, n)
    base = np.datetime64(world.first_day.isoformat(), "s")
    times = np.datetime_as_string(base + seconds.astype("timedelta64[s]"), unit="s")
    cats = rng.choice(len(CATEGORIES), n)
    lines = [
        f"{times[j]}+03:30,{CATEGORIES[cats[j]]},{lat[j]:.6f},{lon[j]:.6f},X{j}\n" for j in range(n)
    ]
    m = min(args.baseline_import_rows, n)
    rounds = max(args.repeats, 1)
    print(
        f"\nimport of {n:,} CSV rows (new external ids) against bulk_create of {m:,}, "
        f"{rounds} alternating rounds; load average {_load()}",
        flush=True,
    )
    ours, orm = [], []
    try:
        for r in range(rounds):
            ours.append(n / _time_import(path, lines, f"R{r}X"))
            orm.append(m / _time_bulk_create(lines[:m], f"B{r}X", r))
            print(
                f"  round {r + 1}: import {ours[-1]:10,.0f} rows/s, "
                f"bulk_create {orm[-1]:10,.0f} rows/s",
                flush=True,
            )
        t = time.perf_counter()
        result = _import(path, lines, f"R{rounds - 1}X")
        again = time.perf_counter() - t
    finally:
        path.unlink(missing_ok=True)
    mine, theirs = statistics.median(ours), statistics.median(orm)
    print(
        f"import_incidents        {mine:12,.0f} rows/s (median; parse, validate, route, "
        f"write, counts)\n"
        f"baseline bulk_create    {theirs:12,.0f} rows/s (median; rows already parsed)\n"
        f"ratio                   {mine / theirs:12.2f}x  (floor 2x)\n"
        f"re-import (all updates) {n / again:12,.0f} rows/s ({result.updated:,} updated)\n"
        f"load average after: {_load()}",
        flush=True,
    )


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _import(path: Path, lines: list[str], prefix: str):
    from kalantar.incidents.importer import import_file

    with open(path, "w", encoding="utf-8") as out:
        out.write("occurred_at,category,lat,lon,external_id\n")
        out.writelines(line.replace(",X", f",{prefix}") for line in lines)
    return import_file(str(path))


def _time_import(path: Path, lines: list[str], prefix: str) -> float:
    t = time.perf_counter()
    _import(path, lines, prefix)
    return time.perf_counter() - t


def _time_bulk_create(lines: list[str], prefix: str, r: int) -> float:
    """Django's bulk_create of rows parsed beforehand (the parse is not timed)."""
    from django.db import transaction

    from kalantar.incidents.importer import parse
    from kalantar.incidents.models import Incident

    header = "occurred_at,category,lat,lon,external_id\n"
    rows = parse([header, *(line.replace(",X", f",{prefix}") for line in lines)])
    stations, lons, lats = rows.station_id.tolist(), rows.lon.tolist(), rows.lat.tolist()
    days = rows.day.tolist()
    t = time.perf_counter()
    with transaction.atomic():
        Incident.objects.bulk_create(
            [
                Incident(
                    number=f"Z{r:02d}{j:08d}",
                    source="import",
                    category=rows.category[j],
                    priority=3,
                    station_id=stations[j],
                    lon=lons[j],
                    lat=lats[j],
                    h3_cell=rows.h3_cell[j],
                    occurred_at=rows.occurred[j],
                    day=days[j],
                    received_at=rows.occurred[j],
                    status="closed",
                    external_id=rows.external_id[j],
                )
                for j in range(len(rows))
            ],
            batch_size=2000,
        )
    return time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())
