"""Benchmark: complaint intake, citizen status lookups and the station queue, on a live server.

For each database (SQLite, then PostgreSQL) it builds a fresh database with the demo province
and --complaints complaints (100,000 by default, with their timelines), starts uvicorn on
--port, and measures:

- filing through the service layer (p50/p95 ms), next to a bare ORM insert of the same row
  (the naive floor: no validation, routing, audit or timeline);
- filing over HTTP (Open311 POST requests.json, p50/p95 ms);
- status lookups per second (the citizen's POST /track/ with code and national code), with a
  bounded load generator, next to the throughput of a trivial Django view (/healthz: one
  `SELECT 1` through the whole middleware stack) measured in the same run as the ceiling;
- queue and dashboard pages p95 with every complaint loaded (a province commander sees all
  of them; a station chief sees their station's).

The load generator is wrk when it is installed, otherwise an asyncio/httpx client.
Goals: intake p95 < 50 ms; lookups ≥ half the trivial view; queue pages p95 < 100 ms.

    python bench/complaints.py [--complaints N] [--quick] [--db sqlite|postgres|both]
                               [--port 8114] [--duration S] [--connections N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
# Parallel runs on one server each need their own database.
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "kalantar_complaints_bench")
GOAL_INTAKE_P95_MS = 50.0
GOAL_LOOKUP_RATIO = 0.5
GOAL_QUEUE_P95_MS = 100.0
RESULT_MARK = "BENCH-RESULT "


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--complaints", type=int, default=100_000, help="complaints loaded")
    p.add_argument("--quick", action="store_true", help="5,000 complaints, shorter runs")
    p.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    p.add_argument("--port", type=int, default=8114)
    p.add_argument("--duration", type=float, default=10.0, help="seconds per throughput run")
    p.add_argument("--connections", type=int, default=8, help="concurrent connections")
    p.add_argument("--rounds", type=int, default=3, help="alternating throughput rounds")
    p.add_argument("--filings", type=int, default=200, help="filings timed per method")
    p.add_argument("--page-loads", type=int, default=30, help="loads per queue page variant")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    p.add_argument("--python-generator", action="store_true", help="do not use wrk")
    p.add_argument("--child", choices=("sqlite", "postgres"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.complaints = min(args.complaints, 5_000)
        args.duration = min(args.duration, 4.0)
        args.rounds = min(args.rounds, 2)
        args.filings = min(args.filings, 60)
        args.page_loads = min(args.page_loads, 10)
    return args


# ------------------------------------------------------------------------------ parent


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        return run_child(args)
    dbs = ("sqlite", "postgres") if args.db == "both" else (args.db,)
    generator = "wrk" if shutil.which("wrk") and not args.python_generator else "python"
    print(
        f"complaints benchmark: {args.complaints:,} complaints, {args.connections} connections, "
        f"{args.duration:g} s per throughput run, load generator {generator}, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    results = {}
    for db in dbs:
        print(f"\n=== {db} ===", flush=True)
        cmd = [
            sys.executable,
            __file__,
            "--child",
            db,
            *(argv if argv is not None else sys.argv[1:]),
        ]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for line in proc.stdout.splitlines():
            if line.startswith(RESULT_MARK):
                results[db] = json.loads(line[len(RESULT_MARK) :])
            else:
                print(line)
        if proc.returncode != 0:
            print(f"{db}: the run failed (exit {proc.returncode})")
    if results:
        print_summary(results)
    return 0 if len(results) == len(dbs) else 1


def print_summary(results: dict[str, dict]) -> None:
    print("\n=== summary (goal) ===")
    for db, r in results.items():
        ratio = r["lookup_ratio"]
        verdict = [
            _ok(r["service_p95"] < GOAL_INTAKE_P95_MS),
            _ok(r["http_p95"] < GOAL_INTAKE_P95_MS),
            _ok(ratio >= GOAL_LOOKUP_RATIO),
            _ok(r["queue_p95"] < GOAL_QUEUE_P95_MS),
        ]
        print(
            f"{db:<9} intake p95 service {r['service_p95']:.1f} ms {verdict[0]}, "
            f"HTTP {r['http_p95']:.1f} ms {verdict[1]} (< {GOAL_INTAKE_P95_MS:g}); "
            f"lookups {r['lookup_rps']:,.0f}/s = {ratio:.2f} × trivial view "
            f"{r['trivial_rps']:,.0f}/s {verdict[2]} (≥ {GOAL_LOOKUP_RATIO:g}); "
            f"worst queue page p95 {r['queue_p95']:.1f} ms {verdict[3]} "
            f"(< {GOAL_QUEUE_P95_MS:g})"
        )


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


# ------------------------------------------------------------------------------ child


def child_environment(db: str, args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    if db == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DATABASE}"
    unlimited = "1000000000/h"
    env.update(
        DJANGO_SETTINGS_MODULE="kalantar.settings",
        DATABASE_URL=url,
        KALANTAR_VAR_DIR=str(workdir / "var"),
        SITE_URL=f"http://127.0.0.1:{args.port}",
        DEBUG="false",
        # The limits protect citizens from scripts; the benchmark is such a script.
        STATUS_LOOKUP_RATE_PER_ADDRESS=unlimited,
        STATUS_LOOKUP_RATE_PER_CODE=unlimited,
        STATUS_LOOKUP_FAILURES_BEFORE_SMS=unlimited,
        ONLINE_FILING_RATE=unlimited,
        OPEN311_FILING_RATE=unlimited,
        SMS_BACKEND="kalantar.core.sms.LocmemSmsBackend",
    )
    if db == "postgres":
        # Under ASGI every request may run in another thread, and persistent connections
        # pile up per thread until PostgreSQL refuses clients: connect per request.
        env["CONN_MAX_AGE"] = "0"
    return env


def run_child(args: argparse.Namespace) -> int:
    db = args.child
    workdir = Path(tempfile.mkdtemp(prefix=f"kalantar-bench-complaints-{db}-"))
    env = child_environment(db, args, workdir)
    if db == "postgres":
        recreate_postgres_database()
    os.environ.update(env)
    import django

    django.setup()
    try:
        return _measure(db, args, env, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def recreate_postgres_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def _measure(db: str, args: argparse.Namespace, env: dict, workdir: Path) -> int:
    from django.core.management import call_command

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    _load_province()
    loaded = _load_complaints(args.complaints)
    print(f"set-up                 {time.perf_counter() - t0:6.1f} s  ({loaded:,} complaints)")
    service_p50, service_p95, orm_p50, orm_p95 = _time_service_filing(args.filings)
    print(f"file (service layer)   p50 {service_p50:6.2f} ms  p95 {service_p95:6.2f} ms")
    print(f"bare ORM insert        p50 {orm_p50:6.2f} ms  p95 {orm_p95:6.2f} ms  (naive floor)")
    ours_p50, naive_p50 = _time_audit_append(args.filings)
    print(
        f"audit append (lookup) p50 {ours_p50:6.2f} ms  through the ORM {naive_p50:6.2f} ms  "
        f"({ours_p50 / naive_p50:.2f} ×)"
    )
    api_key = _open311_key()
    lookups = _lookup_pairs(500)
    server = start_server(args, env, workdir)
    try:
        base = f"http://127.0.0.1:{args.port}"
        http_p50, http_p95 = _time_http_filing(base, api_key, args.filings)
        print(f"file (HTTP, Open311)   p50 {http_p50:6.2f} ms  p95 {http_p95:6.2f} ms")
        generator = "wrk" if shutil.which("wrk") and not args.python_generator else "python"
        # The machine is shared: alternate the two in rounds and keep the medians.
        trivial_rates, lookup_rates, ratios = [], [], []
        for round_ in range(1, args.rounds + 1):
            trivial = throughput(generator, base, "/healthz", None, args, workdir)
            print(f"trivial view /healthz  {trivial.rps:9,.0f} req/s  {trivial.describe()}")
            lookup = throughput(generator, base, "/track/", lookups, args, workdir)
            print(f"status lookup /track/  {lookup.rps:9,.0f} req/s  {lookup.describe()}")
            trivial_rates.append(trivial.rps)
            lookup_rates.append(lookup.rps)
            ratios.append(lookup.rps / trivial.rps if trivial.rps else 0.0)
            print(f"  round {round_}: lookup / trivial view {ratios[-1]:.2f}")
        ratio = statistics.median(ratios)
        print(
            f"median of {args.rounds} rounds: trivial {statistics.median(trivial_rates):,.0f}/s, "
            f"lookup {statistics.median(lookup_rates):,.0f}/s, ratio {ratio:.2f}"
        )
        queue_p95 = _time_pages(base, args.page_loads)
    finally:
        server.terminate()
        server.wait(timeout=20)
    result = {
        "service_p50": service_p50,
        "service_p95": service_p95,
        "http_p50": http_p50,
        "http_p95": http_p95,
        "trivial_rps": statistics.median(trivial_rates),
        "lookup_rps": statistics.median(lookup_rates),
        "lookup_ratio": ratio,
        "queue_p95": queue_p95,
    }
    print(f"load average at the end {os.getloadavg()[0]:.1f} (the machine is shared)")
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


def _load_province() -> None:
    """The demo province and its users, without other apps' demo records."""
    from kalantar.org import demo

    users = [loader for loader in demo.demo_loaders() if loader.name == "users"]
    demo.demo_loaders = lambda: users  # no other app's records: complaints are loaded below
    demo.load_demo()


def _load_complaints(n: int) -> int:
    import random

    from django.db import connection, transaction
    from django.utils import timezone

    from kalantar.complaints import demo
    from kalantar.complaints.models import Category

    rng = random.Random(311)
    now = timezone.now()
    demo._demo_officers()
    stations = demo.stations_with_places(rng)
    categories = list(Category.objects.filter(is_active=True, route="station"))
    used: set[str] = set()
    chunk = 10_000
    for start in range(0, n, chunk):
        with transaction.atomic():
            history = demo.build_history(
                min(chunk, n - start),
                stations=stations,
                categories=categories,
                rng=rng,
                now=now,
                days=365,
                used_codes=used,
            )
            demo.save_history(history)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return n


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _desk_filing_kwargs(i: int) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from kalantar.complaints.models import Category, Complaint
    from kalantar.people.models import User

    return {
        "by": User.objects.get(username="desk"),
        "channel": Complaint.Channel.DESK,
        "category": Category.objects.get(code="home-burglary"),
        "incident_at": timezone.now() - timedelta(hours=2),
        "summary": f"سرقت از منزل {i}",
        "narrative": "دیشب در غیاب ما درب منزل را شکستند و طلاها را بردند.",
        "complainant_name": "علی رضایی",
        "national_code": "0499370899",
        "mobile": "09121234567",
        "lon": 48.53,
        "lat": 34.80,
    }


def _time_service_filing(n: int) -> tuple[float, float, float, float]:
    from django.utils import timezone

    from kalantar.complaints import services
    from kalantar.complaints.codes import new_tracking_code
    from kalantar.complaints.drafts import ComplaintDraft
    from kalantar.complaints.models import Complaint

    kwargs = _desk_filing_kwargs(0)
    station = kwargs["by"].unit
    service, orm = [], []
    for i in range(n):
        kwargs["summary"] = f"سرقت از منزل {i}"
        t = time.perf_counter()
        by, channel = kwargs["by"], kwargs["channel"]
        fields = {k: v for k, v in kwargs.items() if k not in ("by", "channel")}
        services.file_complaint(by=by, channel=channel, draft=ComplaintDraft(**fields))
        service.append((time.perf_counter() - t) * 1000)
        now = timezone.now()
        t = time.perf_counter()
        Complaint.objects.create(
            tracking_code=new_tracking_code(),
            channel="desk",
            category=kwargs["category"],
            unit=station,
            incident_at=kwargs["incident_at"],
            summary=kwargs["summary"],
            narrative=kwargs["narrative"],
            filed_at=now,
            first_action_due=now,
            closure_due=now,
        )
        orm.append((time.perf_counter() - t) * 1000)
    return (*_percentiles(service), *_percentiles(orm))


def _time_audit_append(n: int) -> tuple[float, float]:
    """p50 ms of a citizen lookup's audit entry (each its own transaction, as on the page):
    audit.record against the same append written with the ORM (the naive way)."""
    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from kalantar.core import audit
    from kalantar.core.models import AuditEntry

    detail = {"code": "0000000000", "purpose": "status"}
    fields = {"action": "complaints.citizen_lookup", "object_type": "complaints.complaint"}
    ours, naive = [], []
    for i in range(n):
        t = time.perf_counter()
        audit.record(
            fields["action"], object_type=fields["object_type"], object_id=i, detail=detail
        )
        ours.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        with transaction.atomic():
            if _is_postgresql():
                transaction.get_connection().cursor().execute(
                    "SELECT pg_advisory_xact_lock(%s)", [audit._PG_LOCK_KEY]
                )
            last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
            at = timezone.now()
            entry = {**fields, "object_id": str(i), "ip": None, "outcome": "ok", "detail": detail}
            digest = audit.entry_mac(
                key=settings.AUDIT_KEY.encode(),
                seq=last["seq"] + 1,
                at=audit._timestamp(at),
                actor_id=None,
                actor_username="",
                prev_hash=last["hash"],
                **entry,
            )
            AuditEntry.objects.create(
                seq=last["seq"] + 1, at=at, hash=digest, prev_hash=last["hash"], **entry
            )
        naive.append((time.perf_counter() - t) * 1000)
    return statistics.median(ours), statistics.median(naive)


def _is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _open311_key() -> str:
    from kalantar.complaints.open311.keys import create_key

    return create_key(by=None, name="benchmark")[1]


def _lookup_pairs(n: int) -> list[tuple[str, str]]:
    from kalantar.complaints.models import Complaint

    rows = (
        Complaint.objects.exclude(national_code="")
        .order_by("?")
        .values_list("tracking_code", "national_code")[:n]
    )
    return list(rows)


def start_server(args: argparse.Namespace, env: dict, workdir: Path) -> subprocess.Popen:
    log_path = Path(tempfile.gettempdir()) / f"kalantar-bench-complaints-{args.child}.log"
    log = open(log_path, "w")  # kept open for the server's life
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "kalantar.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{args.port}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.3)
    server.terminate()
    tail = log_path.read_text()[-2000:]
    raise SystemExit(f"the server did not start:\n{tail}")


def _time_http_filing(base: str, api_key: str, n: int) -> tuple[float, float]:
    import httpx

    samples = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for i in range(n + 5):
            data = {
                "api_key": api_key,
                "service_code": "noise",
                "lat": "34.80",
                "long": "48.53",
                "description": f"سروصدای کارگاه تا نیمه‌شب، گزارش {i}",
            }
            t = time.perf_counter()
            response = client.post("/open311/v2/requests.json", data=data)
            elapsed = (time.perf_counter() - t) * 1000
            if response.status_code != 201 and response.status_code != 200:
                raise SystemExit(f"Open311 filing failed: {response.status_code} {response.text}")
            if i >= 5:  # the first requests warm the server's caches
                samples.append(elapsed)
    return _percentiles(samples)


# ------------------------------------------------------------------------------ load


class Throughput:
    def __init__(self, rps: float, requests: int, errors: int, p50: float, p95: float):
        self.rps, self.requests, self.errors, self.p50, self.p95 = rps, requests, errors, p50, p95

    def describe(self) -> str:
        return (
            f"({self.requests:,} requests, {self.errors} errors, "
            f"latency p50 {self.p50:.1f} ms p95 {self.p95:.1f} ms)"
        )


def _csrf(base: str, path: str) -> tuple[str, str]:
    """A CSRF cookie and form token, as a browser gets them from the page."""
    import httpx

    response = httpx.get(base + path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    return response.cookies["csrftoken"], token


def _form_bodies(pairs: list[tuple[str, str]], token: str) -> list[str]:
    from urllib.parse import urlencode

    return [urlencode({"csrfmiddlewaretoken": token, "code": c, "secret": s}) for c, s in pairs]


def throughput(generator, base, path, pairs, args, workdir) -> Throughput:
    bodies, headers = None, {}
    if pairs is not None:
        cookie, token = _csrf(base, path)
        bodies = _form_bodies(pairs, token)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Referer": base + path,
        }
    _check_one(base, path, bodies, headers)
    if generator == "wrk":
        return _wrk(base + path, bodies, headers, args, workdir)
    return asyncio.run(_python_load(base + path, bodies, headers, args))


def _check_one(base: str, path: str, bodies, headers) -> None:
    """Make sure the requests the load generator sends succeed (a 403 would be fast)."""
    import httpx

    if bodies is None:
        response = httpx.get(base + path)
    else:
        response = httpx.post(base + path, content=bodies[0], headers=headers)
        if 'id="complaint-status"' not in response.text:
            raise SystemExit(f"the status lookup did not show a complaint: {response.text[:500]}")
    response.raise_for_status()


WRK_SCRIPT = """
bodies = {}
for line in io.lines("%(bodies)s") do bodies[#bodies + 1] = line end
%(headers)s
counter = 0
request = function()
  if #bodies == 0 then return wrk.format("GET") end
  counter = counter + 1
  return wrk.format("POST", nil, nil, bodies[(counter %% #bodies) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH %%d %%d %%d %%.3f %%.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


def _wrk(url: str, bodies, headers, args, workdir: Path) -> Throughput:
    bodies_file = workdir / "bodies.txt"
    bodies_file.write_text("\n".join(bodies or []) + ("\n" if bodies else ""))
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    script = workdir / "load.lua"
    script.write_text(WRK_SCRIPT % {"bodies": bodies_file, "headers": header_lines})
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{args.connections}",
            f"-d{args.duration:g}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    requests, errors, duration_us, p50, p95 = line.split()[1:]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(errors) + (int(non_2xx.group(1)) if non_2xx else 0)
    requests = int(requests)
    return Throughput(requests / (int(duration_us) / 1e6), requests, errors, float(p50), float(p95))


async def _python_load(url: str, bodies, headers, args) -> Throughput:
    """A bounded closed-loop generator: N connections, each sending its next request as soon
    as the previous one is answered, for --duration seconds."""
    import httpx

    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + args.duration
    counter = 0

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors, counter
        while time.perf_counter() < stop:
            counter += 1
            t = time.perf_counter()
            try:
                if bodies is None:
                    response = await client.get(url)
                else:
                    body = bodies[counter % len(bodies)]
                    response = await client.post(url, content=body, headers=headers)
                if response.status_code >= 400:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append((time.perf_counter() - t) * 1000)

    limits = httpx.Limits(max_connections=args.connections)
    started = time.perf_counter()
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        await asyncio.gather(*(worker(client) for _ in range(args.connections)))
    elapsed = time.perf_counter() - started
    p50, p95 = _percentiles(latencies) if latencies else (0.0, 0.0)
    return Throughput(len(latencies) / elapsed, len(latencies), errors, p50, p95)


# ------------------------------------------------------------------------------ pages


def _login(base: str, username: str):
    import httpx

    from kalantar.people.demo import DEMO_PASSWORD

    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD},
        headers={"Referer": base + "/login/"},
    )
    if response.status_code != 302:
        raise SystemExit(f"could not log in as {username}: {response.status_code}")
    return client


PAGES = (
    ("queue, open (default)", "/complaints/"),
    ("queue, all, page 100", "/complaints/?status=&page=100"),
    ("queue, overdue", "/complaints/?overdue=1"),
    ("queue, category", "/complaints/?status=&category=fraud"),
    (
        "queue, Persian search",
        "/complaints/?status=&q=%D8%B3%D8%B1%D9%82%D8%AA+%D9%85%D9%86%D8%B2%D9%84",
    ),
    ("queue, by national code", "/complaints/?status=&q=0499370899"),
    ("complaint dashboard", "/complaints/dashboard/"),
)


def _time_pages(base: str, loads: int) -> float:
    """p95 of each queue page for a province commander (all complaints) and a station chief;
    returns the worst queue p95 (the dashboard is reported, not part of the goal)."""
    worst = 0.0
    for username in ("province", "chief"):
        client = _login(base, username)
        for label, path in PAGES:
            client.get(path).raise_for_status()  # warm
            samples = []
            for _ in range(loads):
                t = time.perf_counter()
                client.get(path).raise_for_status()
                samples.append((time.perf_counter() - t) * 1000)
            p50, p95 = _percentiles(samples)
            print(f"{username:<8} {label:<26} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
            if path.startswith("/complaints/?") or path == "/complaints/":
                worst = max(worst, p95)
        client.close()
    return worst


if __name__ == "__main__":
    sys.exit(main())
