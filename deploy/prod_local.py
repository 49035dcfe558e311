"""`make prod-local`: the production topology on this one machine, for trying it.

PostgreSQL and Redis are the machine's own services; this starts a three-node NATS
JetStream cluster, uvicorn with 4 web workers, 2 alarm receivers sharing one port, 2 alarm
consumers, 2 task workers and the scheduler, all under honcho (the Procfile runner), with
production settings and keys generated once into var/prod-local/. Ctrl-C stops them all.

    .venv/bin/python deploy/prod_local.py            # set up, then run in the foreground
    .venv/bin/python deploy/prod_local.py --prepare  # set up only (bench/national.py uses it)
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # this checkout's code, whatever the venv points at

from kalantar.core.devservers import NatsCluster, nats_server  # noqa: E402

HOME = ROOT / "var" / "prod-local"
BIN = Path(sys.executable).parent
DATABASE = "kalantar_prod_local"
WEB_PORT = 8000
ALARM_PORT = 12000
# Three servers: clients on 14222-14224, routes on 16222-16224, monitoring on 8222-8224.
NATS_FIRST_PORTS = (14222, 16222, 8222)
COPIES = {"receiver": 2, "consumer": 2, "worker": 2}
GENERATED_KEYS = (
    "SECRET_KEY",
    "AUDIT_KEY",
    "RECEIPT_SIGNING_KEY",
    "EVIDENCE_SIGNING_KEY",
    "GUARD_CARD_SIGNING_KEY",
    "GUARD_TOUR_KEY",
)


def nats_cluster() -> NatsCluster:
    """The NATS servers' layout; honcho runs them (their stores stay in var/prod-local/nats)."""
    return NatsCluster(
        HOME / "nats", 3, name="kalantar", first_ports=NATS_FIRST_PORTS, store_limits=False
    )


# Every client of a load test comes from 127.0.0.1: the limits per address would measure
# themselves, so `--load-test` lifts them (the limits per tracking code stay).
LOAD_TEST_LIMITS = {
    "STATUS_LOOKUP_RATE_PER_ADDRESS": "1000000/h",
    "STATUS_LOOKUP_FAILURES_BEFORE_SMS": "1000000/h",
    "ONLINE_FILING_RATE": "1000000/h",
    "OPEN311_FILING_RATE": "1000000/m",
}


def environment(*, load_test: bool = False) -> dict[str, str]:
    """Production settings for a machine reached over plain HTTP on localhost; the keys are
    generated on the first run and kept (losing them would orphan signed receipts)."""
    keys = HOME / "keys.env"
    if not keys.exists():
        keys.write_text("".join(f"{k}={secrets.token_urlsafe(32)}\n" for k in GENERATED_KEYS))
        keys.chmod(0o600)
    values = dict(line.split("=", 1) for line in keys.read_text().splitlines() if "=" in line)
    values.update(
        KALANTAR_ENV="production",
        KALANTAR_VAR_DIR=str(HOME / "var"),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        CACHE_URL="redis://127.0.0.1:6379/3",
        NATS_URL=nats_cluster().url,
        ALARMS_NATS_REPLICAS="3",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{WEB_PORT}",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        WEB_PORT=str(WEB_PORT),
        ALARM_PORT=str(ALARM_PORT),
        PYTHONUNBUFFERED="1",
    )
    if load_test:
        values.update(LOAD_TEST_LIMITS)
    return values


def procfile(cluster: NatsCluster) -> str:
    """The repository's Procfile, with the NATS nodes this machine lacks in front."""
    lines = [
        f"nats-{cluster.node_name(i)}: {' '.join(cluster.command(i))}" for i in range(cluster.size)
    ]
    lines += (ROOT / "Procfile").read_text().splitlines()
    return "\n".join(line for line in lines if line and not line.startswith("#")) + "\n"


def check_services() -> None:
    missing = []
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode:
        missing.append("PostgreSQL on 127.0.0.1:5432")
    if subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True).returncode:
        missing.append("Redis on 127.0.0.1:6379")
    if nats_server() is None:
        missing.append("the nats-server program")
    if missing:
        sys.exit("prod-local needs " + ", ".join(missing) + " (see the README).")


def prepare(*, load_test: bool = False) -> dict[str, str]:
    HOME.mkdir(parents=True, exist_ok=True)
    (HOME / "var").mkdir(exist_ok=True)
    check_services()
    exists = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    cluster = nats_cluster()
    for i in range(cluster.size):
        cluster.write_config(i)
    (HOME / "Procfile").write_text(procfile(cluster))
    env = environment(load_test=load_test)
    (HOME / "env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    run_env = {**os.environ, **env}
    kalantar = [str(BIN / "kalantar")]
    print("prod-local: migrating the database and loading the demo data (once)", flush=True)
    subprocess.run([*kalantar, "migrate", "--noinput", "-v", "0"], env=run_env, check=True)
    subprocess.run([*kalantar, "load_demo", "--if-empty"], env=run_env, check=True)
    subprocess.run([*kalantar, "collectstatic", "--noinput", "-v", "0"], env=run_env, check=True)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prepare", action="store_true", help="set up only, do not start")
    parser.add_argument("--load-test", action="store_true", help="lift the per-address limits")
    args = parser.parse_args()
    prepare(load_test=args.load_test)
    if args.prepare:
        return
    copies = ",".join(f"{name}={n}" for name, n in COPIES.items())
    print(f"prod-local: http://127.0.0.1:{WEB_PORT}/  alarms on port {ALARM_PORT}", flush=True)
    path = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    os.execve(
        str(BIN / "honcho"),
        [
            "honcho",
            "start",
            "-f",
            str(HOME / "Procfile"),
            "-e",
            str(HOME / "env"),
            "-d",
            str(ROOT),
            "-c",
            copies,
        ],
        {**os.environ, "PATH": path},
    )


if __name__ == "__main__":
    main()
