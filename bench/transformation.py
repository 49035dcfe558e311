"""Benchmark: the transformation programme's indicators and its national progress page.

Builds a synthetic country (default 3,000 stations in 31 provinces, a year of complaints,
alarms, incidents and dispatches) in a database of its own, then measures:

1. every station's indicators for one month, the way `kalantar compute_indicators` does it
   (one grouped query per indicator, stored as the month's snapshot), against the naive
   way: each indicator's figure asked station by station (`Indicator.for_station`, the
   same definition), in the same run. With --naive-stations N the naive way runs on the
   first N stations only and its time is scaled to all of them (said in the output);
2. the national progress page (enrolment shares by province, grades, trends, findings),
   once the snapshots are stored, against a trivial view (/healthz: one `SELECT 1` through
   the whole middleware stack), the login page (a template render without queries) and
   the staff shell (a page that renders only the logged-in user's menu: the 404 page),
   each the median of --repeats requests through Django's test client.

Each database runs in a child process of its own (the settings read DATABASE_URL once):

    python bench/transformation.py                        # both databases, 3,000 stations
    python bench/transformation.py --stations 500 --backends sqlite

SQLite goes to a file in the temporary directory (--sqlite-path); PostgreSQL to the
database `kalantar_bench_transformation` (--pg-database) on $BENCH_POSTGRES (default
postgres://postgres@127.0.0.1:5432), dropped and created afresh.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "kalantar_bench_transformation"
GOALS = (
    "goals: all stations' indicators for a month < 10 min on PostgreSQL and ≥ 10× the "
    "per-station way; national progress page ≤ 3× a trivial view"
)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return child(args)
    print(
        f"Kalantar transformation benchmark — {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores"
    )
    print(
        f"{args.stations:,} stations, {args.months} months; per station and month "
        f"{args.complaints} complaints, {args.alarms} alarms, {args.incidents} incidents"
    )
    print(GOALS)
    status = 0
    for backend in args.backends.split(","):
        print(f"\n=== {backend} ===", flush=True)
        cmd = [sys.executable, __file__, "--child", backend, *(argv or sys.argv[1:])]
        env = {**os.environ, "DATABASE_URL": database_url(backend, args)}
        env.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")
        env.setdefault("KALANTAR_VAR_DIR", str(Path(tempfile.gettempdir()) / "kalantar-bench-tr"))
        status |= subprocess.call(cmd, env=env, cwd=ROOT)
    return status


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--stations", type=int, default=3_000)
    p.add_argument("--provinces", type=int, default=31)
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--complaints", type=int, default=8, help="per station and month")
    p.add_argument("--alarms", type=int, default=4, help="per station and month")
    p.add_argument("--incidents", type=int, default=15, help="per station and month")
    p.add_argument("--naive-stations", type=int, default=0, help="0: all of them")
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument(
        "--sqlite-path",
        default=str(Path(tempfile.gettempdir()) / "kalantar-bench-transformation.sqlite3"),
    )
    p.add_argument("--pg-database", default=PG_NAME, help="dropped and created afresh")
    p.add_argument("--seed", type=int, default=17)
    p.add_argument("--child", default="")
    args, _unknown = p.parse_known_args(argv)
    return args


def database_url(backend: str, args) -> str:
    if backend == "sqlite":
        return f"sqlite:///{args.sqlite_path}"
    return f"{PG_SERVER}/{args.pg_database}"


def fresh_database(backend: str, args) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(args.sqlite_path + suffix).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {args.pg_database}")
        conn.execute(f"CREATE DATABASE {args.pg_database}")


def child(args) -> int:
    fresh_database(args.child, args)
    import django

    sys.path.insert(0, str(ROOT / "src"))
    django.setup()
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"schema                        {time.perf_counter() - t:8.1f} s", flush=True)
    random.seed(args.seed)
    stations = build_country(args)
    period = load_year(args, stations)
    measure_indicators(args, stations, period)
    measure_progress_page(args, stations)
    return 0


# -- the synthetic country --------------------------------------------------------------------


def build_country(args) -> list[int]:
    from django.db import transaction

    from kalantar.org.models import Unit

    t = time.perf_counter()
    with transaction.atomic():
        nation = Unit.objects.create(code="IR", name="ناجا", kind="national")
        per_province = -(-args.stations // args.provinces)
        parents, units = {}, []
        for i in range(args.stations):
            p, c = i // per_province, (i % per_province) // 10
            pcode, ccode = f"P{p:02d}", f"P{p:02d}C{c:02d}"
            if pcode not in parents:
                parents[pcode] = Unit(
                    code=pcode, name=pcode, kind="province", parent=nation, path=f"/IR/{pcode}/"
                )
            if ccode not in parents:
                parents[ccode] = Unit(
                    code=ccode,
                    name=ccode,
                    kind="county",
                    parent=parents[pcode],
                    path=f"/IR/{pcode}/{ccode}/",
                )
            scode = f"{ccode}S{i:04d}"
            units.append((scode, ccode, f"/IR/{pcode}/{ccode}/{scode}/"))
        for unit in parents.values():
            unit.parent_id = unit.parent.pk if unit.parent else None
            if unit.kind == "province":
                unit.save()
        for unit in parents.values():
            if unit.kind == "county":
                unit.parent_id = parents[unit.code[:3]].pk
                unit.save()
        Unit.objects.bulk_create(
            Unit(code=s, name=s, kind="kalantari", parent_id=parents[c].pk, path=path)
            for s, c, path in units
        )
    stations = list(Unit.objects.filter(kind="kalantari").values_list("pk", flat=True))
    print(f"country: {len(stations):,} stations {time.perf_counter() - t:8.1f} s", flush=True)
    return stations


def load_year(args, stations: list[int]):
    """A year of records ending with the measured month (the last full Jalali month)."""
    from kalantar.core import periods
    from kalantar.core.jalali import tehran_today

    month = periods.previous(periods.jalali_month_of(tehran_today()))
    start = datetime.combine(month.end, datetime.min.time()) - timedelta(days=30 * args.months)
    start = start.replace(tzinfo=month.start_at.tzinfo)
    span = (month.end_at - start).total_seconds()
    t = time.perf_counter()
    counts = (
        load_complaints(args, stations, start, span),
        load_alarms(args, stations, start, span),
        load_incidents(args, stations, start, span),
    )
    print(
        f"records: {counts[0]:,} complaints, {counts[1]:,} alarms, {counts[2]:,} incidents "
        f"and dispatches {time.perf_counter() - t:8.1f} s",
        flush=True,
    )
    return month


def _at(start, span):
    return start + timedelta(seconds=random.random() * span)


def _batches(rows, model, size=5000) -> int:
    from django.db import transaction

    n = 0
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            with transaction.atomic():
                model.objects.bulk_create(batch)
            n += len(batch)
            batch = []
    if batch:
        with transaction.atomic():
            model.objects.bulk_create(batch)
        n += len(batch)
    return n


def load_complaints(args, stations, start, span) -> int:
    from kalantar.complaints.models import Category, Complaint

    category = Category.objects.first()
    channels = ("desk", "online", "phone110", "line197")

    def rows():
        i = 0
        for station in stations:
            for _ in range(args.complaints * args.months):
                i += 1
                filed = _at(start, span)
                acted = filed + timedelta(hours=random.expovariate(1 / 20))
                finished = acted + timedelta(days=random.expovariate(1 / 12))
                yield Complaint(
                    tracking_code=f"B{i:09d}",
                    channel=random.choice(channels),
                    category=category,
                    unit_id=station,
                    routed_unit_id=station,
                    status="resolved",
                    incident_at=filed - timedelta(hours=3),
                    summary="bench",
                    narrative="bench",
                    mobile="09120000000" if random.random() < 0.6 else "",
                    filed_at=filed,
                    first_action_due=filed + timedelta(hours=24),
                    closure_due=filed + timedelta(days=15),
                    first_action_at=acted,
                    finished_at=finished,
                    escalation_level=int(random.random() < 0.1),
                    satisfaction=random.randint(1, 5) if random.random() < 0.5 else None,
                )

    return _batches(rows(), Complaint)


def load_alarms(args, stations, start, span) -> int:
    from kalantar.alarms.models import Alarm, Subscriber

    Subscriber.objects.bulk_create(
        Subscriber(name=f"S{s}", kind="shop", lon=48.5, lat=34.8, station_id=s) for s in stations
    )
    subscribers = dict(Subscriber.objects.values_list("station_id", "pk"))
    outcomes = ("real", "false_user", "false_technical", "cancelled")

    def rows():
        for station in stations:
            for _ in range(args.alarms * args.months):
                opened = _at(start, span)
                yield Alarm(
                    subscriber_id=subscribers[station],
                    station_id=station,
                    category="burglary",
                    priority=1,
                    state="resolved",
                    outcome=random.choice(outcomes),
                    opened_at=opened,
                    last_event_at=opened,
                    acknowledged_at=opened + timedelta(seconds=random.expovariate(1 / 90)),
                )

    return _batches(rows(), Alarm)


def load_incidents(args, stations, start, span) -> int:
    from kalantar.incidents.models import Dispatch, Incident, PatrolUnit

    PatrolUnit.objects.bulk_create(PatrolUnit(station_id=s, call_sign=f"G{s}") for s in stations)
    patrols = dict(PatrolUnit.objects.values_list("station_id", "pk"))

    def rows():
        i = 0
        for station in stations:
            for _ in range(args.incidents * args.months):
                i += 1
                received = _at(start, span)
                yield Incident(
                    number=f"BI{i:010d}",
                    source="call_110",
                    category="snatching",
                    station_id=station,
                    lon=48.5,
                    lat=34.8,
                    h3_cell="892a1072b23ffff",
                    occurred_at=received,
                    day=received.date(),
                    received_at=received,
                    dispatched_at=received + timedelta(minutes=2),
                    on_scene_at=received + timedelta(minutes=random.expovariate(1 / 12)),
                    status="closed",
                )

    n = _batches(rows(), Incident)
    dispatches = (
        Dispatch(
            incident_id=pk,
            unit_id=patrols[station],
            dispatched_at=at,
            on_scene_at=at + timedelta(minutes=8),
        )
        for pk, station, at in Incident.objects.values_list("pk", "station_id", "dispatched_at")
        .order_by("pk")
        .iterator(chunk_size=5000)
    )
    _batches(dispatches, Dispatch)
    return n


# -- measurements -----------------------------------------------------------------------------


def measure_indicators(args, stations, period) -> None:
    from kalantar.transformation import indicators, services

    t = time.perf_counter()
    for indicator in indicators.all_indicators():
        indicator.per_station(period)
    grouped = time.perf_counter() - t
    t = time.perf_counter()
    stored = services.compute_indicators(period)
    whole = time.perf_counter() - t
    print(
        f"all stations' indicators, {period.code}: {grouped:8.2f} s computed "
        f"({len(indicators.all_indicators())} grouped queries); {whole:.2f} s with "
        f"{stored:,} figures and the commands' averages stored (compute_indicators)",
        flush=True,
    )
    sample = stations[: args.naive_stations] if args.naive_stations else stations
    t = time.perf_counter()
    for station in sample:
        for indicator in indicators.all_indicators():
            indicator.for_station(period, station)
    naive = (time.perf_counter() - t) * len(stations) / len(sample)
    scaled = "" if len(sample) == len(stations) else f" (scaled from {len(sample):,} stations)"
    print(f"per-station way:                {naive:8.2f} s{scaled}")
    print(
        f"  ratio {naive / grouped:6.1f}× computed, {naive / whole:6.1f}× with storing "
        "(goal ≥ 10×)",
        flush=True,
    )


def measure_progress_page(args, stations) -> None:
    from django.test import Client

    from kalantar.core.jalali import tehran_today
    from kalantar.people.models import User
    from kalantar.transformation import services
    from kalantar.transformation.models import Wave

    year = services.create_year(by=None, year=1405, title="طرح")
    wave = Wave.objects.create(year=year, number=1, starts_on=tehran_today())
    from kalantar.org.models import Unit

    half = list(Unit.objects.filter(pk__in=stations[::2]))
    services.enrol(by=None, wave=wave, stations=half)
    admin = User.objects.create_superuser("bench", password="bench-password-123")
    admin.unit = Unit.objects.get(code="IR")
    admin.save()
    client = Client()
    client.force_login(admin)
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=admin, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    anonymous = Client()

    def median_ms(c, url, status=200):
        assert c.get(url).status_code == status, url  # warm-up, and the page works
        times = []
        for _ in range(args.repeats):
            t = time.perf_counter()
            c.get(url)
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)

    page = median_ms(client, "/transformation/")
    trivial = median_ms(client, "/healthz")
    login = median_ms(anonymous, "/login/")
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the shell's 404s
    shell = median_ms(client, "/transformation/units/NONE/", status=404)
    print(f"national progress page:       {page:8.1f} ms (median of {args.repeats})")
    print(f"trivial view /healthz:        {trivial:8.1f} ms")
    print(f"login page (template only):   {login:8.1f} ms")
    print(f"staff shell (404 page, menu): {shell:8.1f} ms")
    print(
        f"  ratio to /healthz {page / trivial:5.1f}×, to the login page {page / login:5.1f}×, "
        f"to the staff shell {page / shell:5.1f}× (goal ≤ 3×)"
    )


if __name__ == "__main__":
    sys.exit(main())
