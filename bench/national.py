"""Load test of the production topology (`make prod-local`) for a bounded time.

Starts the topology (or uses a running one with --running), gives a desk officer's API token
to each of --stations stations, then for --seconds drives at once:

- desk filings (POST /api/complaints) and queue pages (GET /api/complaints) from every station;
- citizen lookups of a tracking code (GET /track/, the public status page);
- Open311 reads (GET /open311/v2/requests.json);
- alarm frames at the rate of a province (--alarm-rate frames/s over --panels panels) to the
  receivers' shared port, each answered only after the JetStream cluster stored it.

Prints p50/p95/p99 latency per kind, requests and errors per kind, and the CPU seconds of
each process of the topology over the run, against the trivial view (/healthz) driven the
same way in the same run as the baseline.

    .venv/bin/python bench/national.py [--seconds 60] [--stations 20] [--alarm-rate 500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "deploy"))

import prod_local  # noqa: E402

from alarm_ingest import Sender, build_frames, cpu_seconds, pct  # noqa: E402
from kalantar.core.validators import national_code_check_digit  # noqa: E402

BASE = f"http://127.0.0.1:{prod_local.WEB_PORT}"
MOBILE = "09121234567"
TOKENS = """
import secrets
from kalantar.org.models import Unit
from kalantar.people import services
from kalantar.people.models import User
stations = list(Unit.objects.stations().filter(is_active=True).order_by("code")[:{n}])
for unit in stations:
    name = "bench-desk-" + unit.code.lower()
    user = User.objects.filter(username=name).first() or services.add_user(
        by=None, username=name, role="desk_officer", unit_code=unit.code,
        password=secrets.token_urlsafe(16),
    )
    _token, raw = services.create_token(by=None, user=user, name="bench/national.py", days=1)
    print("TOKEN", unit.code, raw)
# The province's panels: subscribers of the first station, accounts as build_frames makes.
from kalantar.alarms.models import Account, Subscriber
have = set(Account.objects.values_list("number", flat=True))
wanted = [f"{{0x100000 + i:X}}" for i in range({panels})]
missing = [number for number in wanted if number not in have]
made = Subscriber.objects.bulk_create([
    Subscriber(name="bench " + number, kind="shop", lon=48.5, lat=34.8, station=stations[0],
               supervision_minutes=60) for number in missing])
Account.objects.bulk_create([Account(number=n, subscriber=s) for n, s in zip(missing, made)])
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16, help="concurrent web clients")
    parser.add_argument("--alarm-rate", type=float, default=500, help="frames per second")
    parser.add_argument("--panels", type=int, default=200)
    parser.add_argument("--running", action="store_true", help="use a running prod-local")
    return parser.parse_args()


def kalantar_env() -> dict[str, str]:
    return {**os.environ, **prod_local.environment(load_test=True)}


def start_topology() -> subprocess.Popen:
    print("starting the topology (make prod-local)…", flush=True)
    prod_local.HOME.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/ yet
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "deploy" / "prod_local.py"), "--load-test"],
        start_new_session=True,
        stdout=open(prod_local.HOME / "topology.log", "w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the topology stopped; see {prod_local.HOME / 'topology.log'}")
        try:
            if httpx.get(f"{BASE}/healthz", timeout=2).status_code == 200:
                time.sleep(5)  # receivers and consumers reach the stream
                return process
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit("the topology did not answer within 5 minutes")


def station_tokens(n: int, panels: int) -> list[tuple[str, str]]:
    """API tokens of a desk officer at each of `n` stations, and `panels` alarm panels."""
    out = subprocess.run(
        [
            str(Path(sys.executable).parent / "kalantar"),
            "shell",
            "-c",
            TOKENS.format(n=n, panels=panels),
        ],
        env=kalantar_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [tuple(line.split()[1:3]) for line in out.splitlines() if line.startswith("TOKEN")]


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        found.append((int(entry.name), parent, " ".join(a.decode(errors="replace") for a in argv)))
    return found


def topology_processes() -> dict[int, str]:
    """pid → a short name, for every process of the topology (uvicorn's workers are the
    children of the uvicorn process)."""
    named = {}
    every = _processes()
    for pid, _parent, line in every:
        for marker in ("alarm_receiver", "alarm_consumer", "run_worker", "run_scheduler"):
            if marker in line and "kalantar" in line:
                named[pid] = marker
        if "uvicorn" in line and "kalantar.asgi" in line:
            named[pid] = "web"
        if "nats-server" in line and str(prod_local.HOME) in line:
            named[pid] = "nats-server"
    web = {pid for pid, name in named.items() if name == "web"}
    named.update({pid: "web" for pid, parent, _line in every if parent in web})
    return named


def national_code(rng: random.Random) -> str:
    first_nine = f"{rng.randrange(10**8, 10**9):09d}"
    return first_nine + str(national_code_check_digit(first_nine))


class Load:
    def __init__(self, tokens: list[tuple[str, str]], categories: list[str]) -> None:
        self.tokens = tokens
        self.categories = categories
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.refusals: dict[tuple[str, int], str] = {}  # an example answer of each
        self.codes: list[str] = []

    async def timed(self, kind: str, call) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await call
        except httpx.HTTPError:
            self.errors[kind] += 1
            return None
        self.latency[kind].append(time.perf_counter() - started)
        if response.status_code >= 400:
            self.errors[kind] += 1
            self.refusals[(kind, response.status_code)] = response.text[:200]
        return response

    async def lookup(self, http: httpx.AsyncClient, code: str) -> httpx.Response:
        """A citizen's status check: the page, then the form with its CSRF token."""
        page = await http.get("/track/")
        # Production cookies are Secure; a browser keeps them on http://127.0.0.1, httpx not.
        token = page.cookies.get("csrftoken", "")
        form = {"code": code, "secret": MOBILE, "csrfmiddlewaretoken": token}
        headers = {"Referer": f"{BASE}/track/", "Cookie": f"csrftoken={token}"}
        return await http.post("/track/", data=form, headers=headers)

    async def client(self, http: httpx.AsyncClient, stop_at: float, rng: random.Random) -> None:
        while time.perf_counter() < stop_at:
            station, token = rng.choice(self.tokens)
            auth = {"Authorization": f"Bearer {token}"}
            kind = rng.choices(
                ["filing", "queue", "lookup", "open311", "healthz"], [1, 3, 3, 2, 2]
            )[0]
            if kind == "filing":
                body = {
                    "category": rng.choice(self.categories),
                    "incident_at": "2026-12-01T10:00:00+03:30",
                    "summary": "سرقت قطعات خودرو",
                    "narrative": "بار آزمایشی: شب گذشته قطعات خودرو که در خیابان پارک "
                    "شده بود به سرقت رفت و همسایه‌ها صدای شکستن شیشه را شنیدند.",
                    "complainant_name": "شهروند آزمایشی",
                    "national_code": national_code(rng),
                    "mobile": MOBILE,
                    "station": station,
                }
                response = await self.timed(
                    kind, http.post("/api/complaints", json=body, headers=auth)
                )
                if response is not None and response.status_code == 201:
                    self.codes.append(response.json().get("tracking_code", ""))
            elif kind == "queue":
                await self.timed(kind, http.get("/api/complaints", headers=auth))
            elif kind == "lookup" and self.codes:
                # A citizen checks a code a few times: the limit per code (10 an hour) holds.
                code = self.codes.pop(rng.randrange(len(self.codes)))
                await self.timed(kind, self.lookup(http, code))
            elif kind == "open311":
                await self.timed(kind, http.get("/open311/v2/requests.json"))
            else:
                await self.timed("healthz", http.get("/healthz"))


async def drive(args, tokens, categories) -> tuple[Load, Sender, float]:
    load = Load(tokens, categories)
    frames = build_frames(args.panels, 10_000, 0.05, seed=7)
    alarms = Sender(prod_local.ALARM_PORT, frames)
    stop_at = time.perf_counter() + args.seconds
    limits = httpx.Limits(max_connections=args.clients)
    async with httpx.AsyncClient(base_url=BASE, timeout=30, limits=limits) as http:
        await asyncio.gather(
            *(load.client(http, stop_at, random.Random(i)) for i in range(args.clients)),
            alarms.run(args.seconds, rate=args.alarm_rate),
        )
    return load, alarms, args.seconds


def categories() -> list[str]:
    out = subprocess.run(
        [
            str(Path(sys.executable).parent / "kalantar"),
            "shell",
            "-c",
            "from kalantar.complaints.selectors import active_categories\n"
            "codes = active_categories().values_list('code', flat=True)\n"
            "print('CODES', *codes)",
        ],
        env=kalantar_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return next(line.split()[1:] for line in out.splitlines() if line.startswith("CODES"))


def report(load: Load, alarms: Sender, seconds: float, cpu: dict[str, float]) -> None:
    print(f"\n{seconds:.0f} s under load")
    print(f"{'kind':<10}{'requests':>10}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind in ("filing", "queue", "lookup", "open311", "healthz"):
        times = load.latency.get(kind, [])
        print(
            f"{kind:<10}{len(times):>10}{load.errors.get(kind, 0):>8}"
            f"{pct(times, 0.5):>9.1f}{pct(times, 0.95):>9.1f}{pct(times, 0.99):>9.1f}"
        )
    lat = alarms.latencies
    print(
        f"{'alarm ACK':<10}{alarms.acked:>10}{alarms.naks + alarms.lost:>8}"
        f"{pct(lat, 0.5):>9.1f}{pct(lat, 0.95):>9.1f}{pct(lat, 0.99):>9.1f}"
        f"   ({alarms.acked / seconds:.0f} ACKs/s)"
    )
    healthz = load.latency.get("healthz", [])
    if healthz:
        base = pct(healthz, 0.5)
        print("\nmedian latency against /healthz in the same run:")
        for kind in ("filing", "queue", "lookup", "open311"):
            if load.latency.get(kind):
                print(f"  {kind:<9} {pct(load.latency[kind], 0.5) / base:.1f}×")
    print("\nCPU seconds per process kind over the run (2 cores = 2 s per second):")
    for name, used in sorted(cpu.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<15} {used:7.1f} s  ({used / seconds:.2f} cores)")


def main() -> None:
    args = parse_args()
    process = None if args.running else start_topology()
    try:
        tokens = station_tokens(args.stations, args.panels)
        kinds = categories()
        print(
            f"{len(tokens)} stations, {len(kinds)} categories; driving for {args.seconds:.0f} s",
            flush=True,
        )
        pids = topology_processes()
        before = {pid: cpu_seconds(pid) for pid in pids}
        load, alarms, seconds = asyncio.run(drive(args, tokens, kinds))
        cpu: dict[str, float] = defaultdict(float)
        for pid, name in pids.items():
            try:
                cpu[name] += cpu_seconds(pid) - before[pid]
            except OSError:
                cpu[name + " (gone)"] += 0
        report(load, alarms, seconds, cpu)
        for (kind, status), text in sorted(load.refusals.items()):
            print(f"  refused {kind} with {status}: {text!r}")
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)


if __name__ == "__main__":
    main()
