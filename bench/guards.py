"""Benchmark: the register of security guards at national size.

Builds a throw-away database (SQLite, or PostgreSQL with --db postgres) with --institutions
institutions and --guards guards, imported through `kalantar import_guards`'s code from a
generated CSV file, then measures in the same run:

- the import of the whole file (goal: under 5 minutes on PostgreSQL), and its writing step
  against Django's bulk_create of the same rows (goal: at least 2× faster);
- the public check by licence number (/guards/check/ and /api/guards/check) and the staff
  search by national code and by name (/api/guards/?q=), as throughput relative to the
  trivial view /healthz (goals: 0.5× for the check, 0.3× for the search), and p95 latency
  with --threads clients at once;
- the time from a revocation to the guard's removal from every roster (it happens in the
  revocation's own transaction: the figure is that transaction's duration).

    python bench/guards.py [--guards N] [--institutions N] [--db sqlite|postgres]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = "kalantar_guards_bench"
GOAL_IMPORT_S = 300.0
GOAL_IMPORT_RATIO = 2.0
GOAL_CHECK = 0.5
GOAL_SEARCH = 0.3
FIRST = ("علی", "رضا", "حسین", "مهدی", "محمد", "امیر", "سعید", "جواد", "زهرا", "مریم", "فاطمه")
LAST = ("کریمی", "احمدی", "رحیمی", "نوری", "صادقی", "موسوی", "حیدری", "جعفری", "قاسمی", "زارعی")


def _parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guards", type=int, default=1_000_000)
    parser.add_argument("--institutions", type=int, default=10_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--requests", type=int, default=400, help="requests per measured view")
    parser.add_argument("--threads", type=int, default=4, help="clients at once for the p95")
    parser.add_argument("--compare-rows", type=int, default=100_000, help="rows for bulk_create")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--pg-database", default=PG_NAME, help="with --db postgres: dropped and created afresh"
    )
    return parser.parse_args(argv)


def _database(args, workdir: str) -> str:
    if args.db == "sqlite":
        return f"sqlite:///{workdir}/bench.sqlite3"
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {args.pg_database} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {args.pg_database}")
    return f"postgres://postgres@127.0.0.1:5432/{args.pg_database}"


def main(argv=None) -> int:
    args = _parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="kalantar-bench-guards-")
    os.environ["DATABASE_URL"] = _database(args, workdir)
    os.environ.setdefault("KALANTAR_VAR_DIR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.GUARD_CHECK_RATE = "100000000/h"
    call_command("migrate", verbosity=0)
    print(
        f"Kalantar guards benchmark — {args.guards:,} guards, {args.institutions:,} "
        f"institutions; {args.db}; python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    rng = random.Random(args.seed)
    province = _geography()
    _institutions(args, workdir, province)
    numbers = _import(args, workdir, rng)
    _analyze()
    _compare_bulk_create(args, rng)
    _serve(args, rng, numbers)
    _revocation()
    return 0


def _geography():
    from kalantar.org import services as org

    nation = org.create_unit(by=None, code="IR", name="ناجا", kind="national")
    province = org.create_unit(
        by=None, code="HM", name="استان همدان", kind="province", parent=nation
    )
    org.create_unit(by=None, code="HM01", name="شهرستان همدان", kind="county", parent=province)
    square = [[48.5, 34.8], [48.6, 34.8], [48.6, 34.9], [48.5, 34.9], [48.5, 34.8]]
    org.import_jurisdictions(
        by=None,
        data={
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "code": "HM01K01",
                        "name": "کلانتری ۱۱",
                        "kind": "kalantari",
                        "parent": "HM01",
                    },
                    "geometry": {"type": "Polygon", "coordinates": [square]},
                }
            ],
        },
    )
    return province


def _institutions(args, workdir: str, province) -> None:
    from kalantar.security_firms.importer import import_institutions

    path = Path(workdir) / "institutions.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "licence_number",
                "name",
                "province",
                "licence_issued",
                "licence_expires",
                "activities",
            ]
        )
        for i in range(args.institutions):
            out.writerow(
                [
                    f"I{i:06d}",
                    f"مؤسسه انتظام {i}",
                    "HM",
                    "2024-01-01",
                    "2030-01-01",
                    "guarding,escort",
                ]
            )
    t = time.perf_counter()
    result = import_institutions(str(path))
    print(f"{result.created:,} institutions imported in {time.perf_counter() - t:.1f} s")


def national_code(n: int) -> str:
    from kalantar.core.validators import national_code_check_digit

    nine = f"{n:09d}"
    return nine + str(national_code_check_digit(nine))


def _guard_rows(n: int, start: int, rng: random.Random, institutions: int):
    for i in range(start, start + n):
        yield [
            national_code(100_000_000 + i),
            FIRST[rng.randrange(len(FIRST))],
            LAST[rng.randrange(len(LAST))],
            f"{rng.randint(1960, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            f"I{rng.randrange(institutions):06d}",
            "guarding",
            f"G05{i:07d}",
            "2025-01-01",
            "2027-01-01",
        ]


def _import(args, workdir: str, rng) -> list[str]:
    from kalantar.security_firms.importer import import_guards

    path = Path(workdir) / "guards.csv"
    header = [
        "national_code",
        "first_name",
        "last_name",
        "birth_date",
        "institution",
        "activities",
        "licence_number",
        "licence_issued",
        "licence_expires",
    ]
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(_guard_rows(args.guards, 0, rng, args.institutions))
    t = time.perf_counter()
    import_guards(str(path))
    seconds = time.perf_counter() - t
    verdict = "met" if args.db != "postgres" or seconds < GOAL_IMPORT_S else "NOT met"
    print(
        f"import of {args.guards:,} rows: {seconds:.1f} s ({args.guards / seconds:,.0f} rows/s; "
        f"goal under {GOAL_IMPORT_S:.0f} s on PostgreSQL: {verdict})"
    )
    return [f"G05{i:07d}" for i in range(0, args.guards, max(1, args.guards // 1000))]


def _analyze() -> None:
    """Fresh planner statistics for every table, as autovacuum keeps them on a site: the
    four units of this country are too few for it to analyze them, and without their
    statistics PostgreSQL misjudged the scope's join and read every match of a search."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _compare_bulk_create(args, rng) -> None:
    """The importer's writing step against bulk_create, on the same parsed rows, each in a
    transaction rolled back afterwards (the rows are new national codes)."""
    from django.db import transaction

    from kalantar.security_firms.importer import parse_guards, write_guards
    from kalantar.security_firms.models import Guard

    n = args.compare_rows
    header = ["national_code", "first_name", "last_name", "birth_date", "institution", "activities"]
    rows = [
        (k + 2, r[:6]) for k, r in enumerate(_guard_rows(n, 50_000_000, rng, args.institutions))
    ]
    parsed = parse_guards(header, rows)
    ours, django_bulk = [], []
    for _ in range(2):
        with transaction.atomic():
            t = time.perf_counter()
            write_guards(parsed)
            ours.append(time.perf_counter() - t)
            transaction.set_rollback(True)
        with transaction.atomic():
            t = time.perf_counter()
            Guard.objects.bulk_create(
                [
                    Guard(
                        national_code=v["national_code"],
                        first_name=v["first_name"],
                        last_name=v["last_name"],
                        name_search=f"{v['first_name']} {v['last_name']}",
                        surname_search=f"{v['last_name']} {v['first_name']}",
                        birth_date=v["birth_date"],
                        institution_id=v["institution_id"],
                        activities=v["activities"],
                        status="applicant",
                    )
                    for v in parsed.values
                ],
                batch_size=5000,
            )
            django_bulk.append(time.perf_counter() - t)
            transaction.set_rollback(True)
    a, b = min(ours), min(django_bulk)
    verdict = "met" if b / a >= GOAL_IMPORT_RATIO else "NOT met"
    print(
        f"writing {n:,} rows: importer {a:.2f} s, bulk_create {b:.2f} s → {b / a:.1f}× "
        f"(goal ≥ {GOAL_IMPORT_RATIO:.0f}×: {verdict})"
    )


def _client():
    from django.test import Client

    from kalantar.people import services as people

    registrar = people.add_user(
        by=None,
        username="bench",
        role="security_registrar",
        unit_code="HM",
        password="bench-password-0123",
        check_password=False,
    )
    _token, raw = people.create_token(by=None, user=registrar, name="bench")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _rate(client, urls, headers) -> tuple[float, list[float]]:
    """Requests per second over `urls`, and each request's latency."""
    times = []
    start = time.perf_counter()
    for url in urls:
        t = time.perf_counter()
        response = client.get(url, **headers)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code, response.content[:200])
    return len(urls) / (time.perf_counter() - start), times


def _p95_under_load(urls, headers, threads: int) -> float:
    from django.db import connections
    from django.test import Client

    def worker(chunk):
        client, times = Client(), []
        for url in chunk:
            t = time.perf_counter()
            client.get(url, **headers)
            times.append(time.perf_counter() - t)
        connections.close_all()
        return times

    chunks = [urls[i::threads] for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        times = [t for part in pool.map(worker, chunks) for t in part]
    return statistics.quantiles(times, n=20)[-1]


def _serve(args, rng, numbers) -> None:
    from kalantar.security_firms.models import Guard

    client, headers = _client()
    n = args.requests
    codes = list(Guard.objects.order_by("?").values_list("national_code", flat=True)[:200])
    surnames = list(LAST)
    cases = {
        "trivial view /healthz": (["/healthz"] * n, {}, None),
        "public check page": (
            [f"/guards/check/?number={rng.choice(numbers)}" for _ in range(n)],
            {},
            GOAL_CHECK,
        ),
        "public check API": (
            [f"/api/guards/check?number={rng.choice(numbers)}" for _ in range(n)],
            {},
            GOAL_CHECK,
        ),
        "staff search by national code": (
            [f"/api/guards/?q={rng.choice(codes)}" for _ in range(n)],
            headers,
            GOAL_SEARCH,
        ),
        "staff search by surname": (
            [f"/api/guards/?q={rng.choice(surnames)}&limit=20" for _ in range(n)],
            headers,
            GOAL_SEARCH,
        ),
    }
    baseline = None
    for name, (urls, hdrs, goal) in cases.items():
        _rate(client, urls[:20], hdrs)  # warm up
        rate, times = _rate(client, urls, hdrs)
        baseline = baseline or rate
        p95 = _p95_under_load(urls, hdrs, args.threads)
        ratio = rate / baseline
        verdict = (
            "" if goal is None else f"(goal ≥ {goal}×: {'met' if ratio >= goal else 'NOT met'})"
        )
        print(
            f"{name:32s} {rate:8.0f} req/s  median {statistics.median(times) * 1000:6.2f} ms  "
            f"p95 with {args.threads} clients {p95 * 1000:7.2f} ms  {ratio:4.2f}× {verdict}"
        )


def _revocation() -> None:
    """A guard on ten future shifts at several posts is revoked; the figure is the time of
    the revocation's transaction, which also empties the rosters and writes the notices."""
    from django.utils import timezone

    from kalantar.security_firms import services
    from kalantar.security_firms.models import Guard, Institution, RosterAssignment

    institution = Institution.objects.get(licence_number="I000000")
    site = services.create_site(by=None, institution=institution, name="بانک", lon=48.55, lat=34.85)
    durations = []
    for k in range(5):
        guard = services.apply(
            by=None,
            institution=institution,
            national_code=national_code(900_000_000 + k),
            first_name="علی",
            last_name="رضایی",
            birth_date=timezone.localdate().replace(year=1990),
            activities=["guarding"],
        )
        Guard.objects.filter(pk=guard.pk).update(
            status="active",
            licence_number=f"G09{k:07d}",
            licence_expires=timezone.localdate() + timedelta(days=700),
        )
        guard.refresh_from_db()
        services.record_training(
            by=None,
            guard=guard,
            course="پایه",
            hours=40,
            provider="مرکز",
            completed_on=timezone.localdate() - timedelta(days=1),
        )
        for s in range(10):
            post = services.add_post(by=None, site=site, name=f"پست {k}-{s}")
            start = timezone.now() + timedelta(hours=s * 9 + 1)
            shift = services.add_shift(
                by=None, post=post, starts_at=start, ends_at=start + timedelta(hours=8)
            )
            services.assign(by=None, shift=shift, guard=guard)
        t = time.perf_counter()
        removed = services.change_status(by=None, guard=guard, status="revoked", reason="bench")
        durations.append(time.perf_counter() - t)
        assert removed == 10
        assert not RosterAssignment.objects.on_roster().filter(guard=guard).exists()
    print(
        f"revocation to removal from 10 rosters: median {statistics.median(durations) * 1000:.1f}"
        " ms, within the revocation's own transaction (goal: the same transaction: met)"
    )


if __name__ == "__main__":
    sys.exit(main())
