"""Benchmark: the public monthly statistics of a province, computed and served.

Builds a throw-away SQLite database (the demo geography of Hamedan: 10 counties, 28+
stations) with --incidents incidents spread over --months Jalali months and --complaints
complaints, then measures for the last month:

- computing the province's statistics (`portal.stats.compute`, which reads the rollup of
  closed incidents per station, day, category and H3 cell kept by `portal.rollup`), against
  the baseline of counting the month's incidents themselves (rows fetched and counted);
- serving them cached (/transparency/stats.json and .csv through Django's full request
  stack), against the trivial-view ceiling: /healthz measured the same way in the same run.

Goals (issue 6): computing under 5 s; cached serving within 2× the trivial view.

    python bench/portal.py [--incidents N] [--complaints N] [--months N] [--requests N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

GOAL_COMPUTE_S = 5.0
GOAL_SERVE_RATIO = 2.0
CHUNK = 100_000


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=10_000_000)
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--requests", type=int, default=300, help="requests per served view")
    parser.add_argument("--repeats", type=int, default=3, help="runs of the computation")
    parser.add_argument("--db", help="SQLite file to use (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=6)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = _parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="kalantar-bench-portal-")
    db = args.db or str(Path(workdir) / "bench.sqlite3")
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("KALANTAR_VAR_DIR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(
        f"Kalantar portal benchmark — {args.incidents:,} incidents, {args.complaints:,} "
        f"complaints over {args.months} months; SQLite {db}"
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    started = time.perf_counter()
    province, months = _build(args)
    print(f"data built in {time.perf_counter() - started:.1f} s")
    month = months[-1]
    _measure(args, province, month)
    return 0


def _build(args):
    import numpy as np

    from kalantar.core import periods
    from kalantar.core.jalali import tehran_today

    province = _geography()
    months = list(reversed(periods.recent_months(tehran_today(), args.months)))
    rng = np.random.default_rng(args.seed)
    _insert_incidents(args.incidents, months, rng)
    _insert_complaints(args.complaints, months, rng)
    from kalantar.portal import rollup

    t = time.perf_counter()
    rows = rollup.refresh()
    print(
        f"  rollup of closed incidents rebuilt from scratch in {time.perf_counter() - t:.1f} s "
        f"({rows:,} rows; kept current incident by incident in normal use)"
    )
    return province, months


def _geography():
    from kalantar.org import services
    from kalantar.org.demo_geo import build_demo_geography
    from kalantar.org.models import Unit

    geo = build_demo_geography()
    nation = services.create_unit(by=None, code="IR", name="ناجا", kind=Unit.Kind.NATIONAL)
    province = services.create_unit(
        by=None, code=geo.province.code, name="استان همدان", kind=Unit.Kind.PROVINCE, parent=nation
    )
    for county in geo.counties:
        services.create_unit(
            by=None, code=county.code, name=county.name_fa, kind=Unit.Kind.COUNTY, parent=province
        )
    services.import_jurisdictions(by=None, data=geo.to_feature_collection())
    return province


def _columns(table: str):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA table_info({table})")
        return [(row[1], row[2].upper(), bool(row[3]), row[5]) for row in cursor.fetchall()]


def _filler(kind: str):
    if "INT" in kind or "BOOL" in kind:
        return 0
    if "REAL" in kind or "FLOAT" in kind or "DECIMAL" in kind:
        return 0.0
    return ""


def _bulk_insert(table: str, given: dict, count: int) -> None:
    """Insert `count` rows: columns from `given` (lists or numpy arrays), the rest filled with
    the plainest value their type allows. Indexes are dropped first and rebuilt after, the
    usual way to load a large table."""
    from django.db import connection

    cols = [c for c in _columns(table) if not c[3]]  # not the primary key
    names = [c[0] for c in cols]
    series = []
    for name, kind, notnull, _pk in cols:
        if name in given:
            series.append(given[name])
        else:
            series.append(None if not notnull else _filler(kind))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=%s "
            "AND sql IS NOT NULL",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        sql = f'INSERT INTO "{table}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
        raw = connection.connection
        # Django keeps SQLite in autocommit: one explicit transaction makes the load one write.
        raw.execute("BEGIN")
        for start in range(0, count, CHUNK):
            stop = min(count, start + CHUNK)
            columns = [
                s[start:stop].tolist()
                if hasattr(s, "tolist")
                else (s[start:stop] if isinstance(s, list) else [s] * (stop - start))
                for s in series
            ]
            raw.executemany(sql, zip(*columns, strict=True))
        raw.commit()
        for _name, index_sql in indexes:
            cursor.execute(index_sql)
        cursor.execute(f'ANALYZE "{table}"')


def _day_times(months, rng, n):
    """Random Tehran days in the months, and their UTC timestamps as ISO text."""
    import numpy as np

    first = np.datetime64(months[0].first.isoformat())
    last = np.datetime64(months[-1].last.isoformat())
    span = int((last - first).astype(int)) + 1
    # In time order, as records arrive in a real database (rows of a month lie together).
    local = np.sort(rng.integers(0, span * 86400, n)).astype("timedelta64[s]")
    days = first + (local.astype("int64") // 86400).astype("timedelta64[D]")
    # Tehran is UTC+3:30 all year.
    utc = first.astype("datetime64[s]") + local - np.timedelta64(12600, "s")
    iso = np.datetime_as_string(utc, unit="s")
    return days, np.char.add(np.char.replace(iso, "T", " "), "+00:00")


def _insert_incidents(n, months, rng):
    import h3
    import numpy as np

    from kalantar.incidents.categories import CATEGORIES
    from kalantar.org.models import Unit

    t = time.perf_counter()
    stations = list(Unit.objects.stations().select_related("jurisdiction"))
    # A pool of places per station around its headquarters; incidents pick from it.
    pools = []
    for s in stations:
        lon0, lat0 = s.hq_lon or 48.5, s.hq_lat or 34.8
        lons = lon0 + rng.normal(0, 0.03, 400)
        lats = lat0 + rng.normal(0, 0.03, 400)
        pools.append(
            [(lo, la, h3.latlng_to_cell(la, lo, 9)) for lo, la in zip(lons, lats, strict=True)]
        )
    station_idx = rng.integers(0, len(stations), n)
    place_idx = rng.integers(0, 400, n)
    codes = np.array([c.code for c in CATEGORIES])
    days, occurred = _day_times(months, rng, n)
    lon = np.empty(n)
    lat = np.empty(n)
    cells = np.empty(n, dtype=object)
    for i, pool in enumerate(pools):
        mask = station_idx == i
        chosen = place_idx[mask]
        lon[mask] = np.array([p[0] for p in pool])[chosen]
        lat[mask] = np.array([p[1] for p in pool])[chosen]
        cells[mask] = np.array([p[2] for p in pool], dtype=object)[chosen]
    status = np.where(rng.random(n) < 0.95, "closed", "open")
    _bulk_insert(
        "incidents_incident",
        {
            "number": [f"B{i:010d}" for i in range(n)],
            "source": "patrol",
            "category": codes[rng.integers(0, len(codes), n)],
            "priority": 3,
            "station_id": np.array([s.pk for s in stations])[station_idx],
            "lon": lon,
            "lat": lat,
            "h3_cell": cells,
            "occurred_at": occurred,
            "day": np.datetime_as_string(days, unit="D"),
            "received_at": occurred,
            "status": status,
            "created_at": occurred,
        },
        n,
    )
    print(f"  {n:,} incidents inserted in {time.perf_counter() - t:.1f} s")


def _insert_complaints(n, months, rng):
    import numpy as np

    from kalantar.complaints.codes import new_open311_id
    from kalantar.complaints.models import Category
    from kalantar.org.models import Unit

    t = time.perf_counter()
    units = np.array(list(Unit.objects.stations().values_list("pk", flat=True)))
    categories = np.array(list(Category.objects.values_list("pk", flat=True)))
    _days, filed = _day_times(months, rng, n)
    closed = rng.random(n) < 0.7
    days_open = rng.integers(1, 40, n).astype("timedelta64[D]")
    filed_dt = np.array(np.char.replace(filed, "+00:00", ""), dtype="datetime64[s]")
    closed_at = np.char.add(
        np.char.replace(np.datetime_as_string(filed_dt + days_open, unit="s"), "T", " "), "+00:00"
    )
    closed_at = np.where(closed, closed_at, None)
    satisfaction = np.where(closed & (rng.random(n) < 0.6), rng.integers(1, 6, n), None)
    _bulk_insert(
        "complaints_complaint",
        {
            "tracking_code": [f"B{i:09d}" for i in range(n)],
            "open311_id": [new_open311_id() for _ in range(n)],
            "channel": "online",
            "category_id": categories[rng.integers(0, len(categories), n)],
            "unit_id": units[rng.integers(0, len(units), n)],
            "status": np.where(closed, "closed", "registered"),
            "incident_at": filed,
            "summary": "bench",
            "narrative": "bench",
            "filed_at": filed,
            "first_action_due": filed,
            "closure_due": filed,
            "closed_at": closed_at,
            "satisfaction": satisfaction,
        },
        n,
    )
    print(f"  {n:,} complaints inserted in {time.perf_counter() - t:.1f} s")


def _naive(province, month) -> int:
    """Baseline: fetch the month's closed incidents and count them in Python."""
    from collections import Counter

    import h3

    from kalantar.incidents.models import Incident
    from kalantar.org.models import Unit

    stations = list(
        Unit.objects.filter(path__startswith=province.path).stations().values_list("pk", flat=True)
    )
    rows = Incident.objects.filter(
        station_id__in=stations, day__gte=month.first, day__lte=month.last, status="closed"
    ).values_list("category", "station_id", "h3_cell")
    by_category, by_station, by_cell = Counter(), Counter(), Counter()
    for category, station, cell in rows.iterator(chunk_size=20_000):
        by_category[category] += 1
        by_station[station] += 1
        by_cell[h3.cell_to_parent(cell, 7)] += 1
    return sum(by_category.values())


def _timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def _serve(client, url, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, response.content[:200]
    return statistics.median(times)


def _measure(args, province, month):
    from django.core.cache import cache
    from django.test import Client

    from kalantar.portal import stats

    compute = []
    for _ in range(args.repeats):
        seconds, data = _timed(lambda: stats.compute(province, month))
        compute.append(seconds)
    naive = [_timed(lambda: _naive(province, month))[0] for _ in range(max(1, args.repeats - 1))]
    c = statistics.median(compute)
    nv = statistics.median(naive)
    print(
        f"month {month.jalali_code} ({month.first} – {month.last}): "
        f"{data['incidents']['total']} closed incidents published, "
        f"{len(data['incidents']['by_cell'])} H3 cells"
    )
    print(
        f"compute province stats  {c:8.3f} s   (median of {len(compute)}; goal < "
        f"{GOAL_COMPUTE_S:.0f} s: {'met' if c < GOAL_COMPUTE_S else 'NOT met'})"
    )
    print(f"baseline: count the incidents {nv:8.3f} s   ({nv / c:.1f}× the time)")

    cache.clear()
    client = Client()
    query = f"?unit={province.code}&month={month.jalali_code}"
    cold, _r = _timed(lambda: client.get("/transparency/stats.json" + query))
    print(f"first request (fills the cache)  {cold * 1000:8.1f} ms")
    trivial = _serve(client, "/healthz", args.requests)
    served_json = _serve(client, "/transparency/stats.json" + query, args.requests)
    served_csv = _serve(client, "/transparency/stats.csv" + query, args.requests)
    served_api = _serve(client, "/api/transparency/stats" + query, args.requests)
    served_page = _serve(client, "/transparency/" + query, max(20, args.requests // 5))
    for label, value in (
        ("trivial view /healthz", trivial),
        ("cached stats.json", served_json),
        ("cached stats.csv", served_csv),
        ("cached /api/transparency/stats", served_api),
        ("cached HTML page (rendered)", served_page),
    ):
        ratio = value / trivial
        goal = ""
        if "stats." in label or "/api/" in label:
            met = "met" if ratio <= GOAL_SERVE_RATIO else "NOT met"
            goal = f"  goal ≤ {GOAL_SERVE_RATIO:.0f}×: {met}"
        print(f"{label:32s} {value * 1000:8.3f} ms  ({ratio:.2f}× trivial){goal}")


if __name__ == "__main__":
    sys.exit(main())
