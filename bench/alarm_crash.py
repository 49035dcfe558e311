"""Crash test: `kill -9` the receiver under load, then count acknowledged vs stored events.

Every acknowledged message must be in the database (an ACK is sent only after the commit);
stored-but-unacknowledged ones are allowed (the panel retransmits, and the retransmission is
stored once). After each kill the receiver is restarted: it must turn the leftover events
into alarms and must not raise a storm of "communication lost" alarms. The naive baseline in
the same run is a receiver that ACKs before committing (`--ack-first` build of the same
code path), which shows what the test catches.

    .venv/bin/python bench/alarm_crash.py                # SQLite, 3 rounds
    .venv/bin/python bench/alarm_crash.py --db postgres
    .venv/bin/python bench/alarm_crash.py --quick
    .venv/bin/python bench/alarm_crash.py --nats         # through a 3-node R3 JetStream

With --nats, receivers publish to a three-node JetStream cluster started for the run and one
`alarm_consumer` stores; each round kills -9, in turn, the receiver, the consumer and a NATS
server (restarted after the round), and the count at the end must still show every
acknowledged event stored, once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from alarm_ingest import (  # noqa: E402
    PG_URL,
    PORT_TIMEOUT,
    PY,
    free_port,
    prepare_database,
    start_nats_cluster,
)
from kalantar.core.devservers import wait_port  # noqa: E402

COUNT = """
import django, sys; django.setup()
from kalantar.alarms.models import AlarmEvent, Alarm
from kalantar.alarms.services import supervision_sweep
rows = AlarmEvent.objects.values_list("account", "seq")
sys.stdout.write("\\n".join(f"{a} {s}" for a, s in rows) + "\\n")
sys.stderr.write(f"{AlarmEvent.objects.filter(processed=False).count()} "
                 f"{Alarm.objects.filter(category='comm_lost').count()} {supervision_sweep()}\\n")
"""

# A receiver that answers before it stores: the mistake this test exists to catch.
ACK_FIRST = """
import django; django.setup()
from kalantar.alarms import receiver
def ack_then_queue(self, row, reply, send, panel, now, _orig=receiver.Receiver._queue):
    send(reply)
    _orig(self, row, b"", lambda _r: None, panel, now)
receiver.Receiver._queue = ack_then_queue  # where both the quick and the general path queue
import sys
receiver.run("127.0.0.1", int(sys.argv[1]), name="ack-first")
"""


class Load:
    def __init__(self, port: int, panels: int, seed: int) -> None:
        self.port = port
        self.panels = panels
        self.acked: set[tuple[str, str]] = set()
        self.sent = 0
        self.rng = random.Random(seed)
        self.seq_base = 0

    async def _panel(self, i: int, stop: asyncio.Event, first_seq: int) -> None:
        from kalantar.alarms import sia

        account = f"{0x100000 + i:X}"
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        except OSError:
            return
        seq = first_seq
        try:
            while not stop.is_set() and seq < first_seq + 999:
                data = "Nri1/BA001" if self.rng.random() < 0.02 else ""
                token = "SIA-DCS" if data else "NULL"
                writer.write(sia.build(token=token, seq=seq, account=account, data=data))
                self.sent += 1
                reply = await asyncio.wait_for(reader.readuntil(b"\r"), 5)
                if b'"ACK"' in reply:
                    self.acked.add((account, f"{seq:04d}"))
                seq += 1
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            return  # the receiver died under us
        finally:
            writer.close()

    async def run_until_killed(
        self, pid: int, kill_after: float, first_seq: int, *, then: float = 0.5
    ) -> None:
        """Load, kill -9 `pid` after `kill_after` s, go on `then` s (the panels of a dead
        receiver stop; others keep sending)."""
        stop = asyncio.Event()
        tasks = [asyncio.create_task(self._panel(i, stop, first_seq)) for i in range(self.panels)]
        await asyncio.sleep(kill_after)
        os.kill(pid, signal.SIGKILL)
        await asyncio.sleep(then)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)


def stored_and_checks(env) -> tuple[set[tuple[str, str]], int, int, int]:
    stored, _twice, unprocessed, comm_lost, swept = stored_twice_and_checks(env)
    return stored, unprocessed, comm_lost, swept


def stored_twice_and_checks(env) -> tuple[set[tuple[str, str]], int, int, int, int]:
    """Stored (account, seq) pairs, how many rows repeat one, and the checks of COUNT."""
    out = subprocess.run([PY, "-c", COUNT], env=env, capture_output=True, text=True, check=True)
    rows = [tuple(line.split()) for line in out.stdout.splitlines() if line.strip()]
    stored = set(rows)
    unprocessed, comm_lost, swept = (int(x) for x in out.stderr.strip().split()[-3:])
    return stored, len(rows) - len(stored), unprocessed, comm_lost, swept


def run(args, env, *, ack_first: bool) -> dict:
    prepare_database(args, env)
    total_acked: set[tuple[str, str]] = set()
    sent = 0
    for round_no in range(args.rounds):
        port = free_port()
        argv = (
            [PY, "-c", ACK_FIRST, str(port)]
            if ack_first
            else [PY, "-m", "kalantar", "alarm_receiver", "--port", str(port)]
        )
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(port, PORT_TIMEOUT)
        load = Load(port, args.panels, seed=round_no)
        asyncio.run(load.run_until_killed(proc.pid, args.kill_after, 1 + round_no * 1000))
        proc.wait()
        total_acked |= load.acked
        sent += load.sent
    # One clean restart: leftovers become alarms, supervision resumes without a storm.
    port = free_port()
    proc = subprocess.Popen(
        [PY, "-m", "kalantar", "alarm_receiver", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_port(port, PORT_TIMEOUT)
    time.sleep(1.0)
    stored, unprocessed, comm_lost, swept = stored_and_checks(env)
    proc.terminate()
    proc.wait(10)
    lost = total_acked - stored
    return {
        "sent": sent,
        "acked": len(total_acked),
        "stored": len(stored),
        "lost": len(lost),
        "stored_unacked": len(stored - total_acked),
        "unprocessed": unprocessed,
        "comm_lost": comm_lost + swept,
    }


def run_nats(args, env) -> dict:
    """Rounds of load through JetStream, killing in turn the receiver, the consumer and a
    NATS server; then a clean restart, the stream drained, and the count."""
    prepare_database(args, env)
    cluster, env = start_nats_cluster(env, "CRASH")
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    consumer = subprocess.Popen([PY, "-m", "kalantar", "alarm_consumer"], **quiet)
    total_acked: set[tuple[str, str]] = set()
    sent, killed = 0, []
    targets = ("receiver", "consumer", "NATS server")
    for round_no in range(args.rounds):
        target = targets[round_no % len(targets)]
        port = free_port()
        receiver = subprocess.Popen(
            [PY, "-m", "kalantar", "alarm_receiver", "--port", str(port)], **quiet
        )
        wait_port(port, PORT_TIMEOUT)
        time.sleep(1.5)  # the receiver's first answer from the stream
        victim = {"receiver": receiver, "consumer": consumer}.get(target)
        pid = victim.pid if victim else cluster.procs[round_no % 3].pid
        load = Load(port, args.panels, seed=round_no)
        # After a consumer or a NATS server dies the receiver goes on: load for longer.
        then = 0.5 if target == "receiver" else args.kill_after
        asyncio.run(load.run_until_killed(pid, args.kill_after, 1 + round_no * 1000, then=then))
        killed.append(target)
        if target == "consumer":
            consumer.wait()
            consumer = subprocess.Popen([PY, "-m", "kalantar", "alarm_consumer"], **quiet)
        elif target == "NATS server":
            cluster.procs[round_no % 3].wait()
            cluster.procs[round_no % 3] = None
            cluster.start_node(round_no % 3)
            cluster.wait_ready()
        if receiver.poll() is None:
            receiver.terminate()
        receiver.wait(10)
        total_acked |= load.acked
        sent += load.sent
    port = free_port()  # one clean receiver: supervision resumes without a storm
    receiver = subprocess.Popen(
        [PY, "-m", "kalantar", "alarm_receiver", "--port", str(port)], **quiet
    )
    wait_port(port, PORT_TIMEOUT)
    deadline = time.monotonic() + 60
    while True:
        time.sleep(1.0)
        stored, twice, unprocessed, comm_lost, swept = stored_twice_and_checks(env)
        if (total_acked <= stored and not unprocessed) or time.monotonic() > deadline:
            break
    for proc in (receiver, consumer):
        proc.terminate()
        proc.wait(10)
    cluster.stop()
    return {
        "sent": sent, "acked": len(total_acked), "stored": len(stored),
        "lost": len(total_acked - stored), "twice": twice,
        "stored_unacked": len(stored - total_acked), "unprocessed": unprocessed,
        "comm_lost": comm_lost + swept, "killed": killed,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--panels", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kill-after", type=float, default=3.0, help="seconds of load")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--nats", action="store_true", help="through a three-node R3 JetStream cluster"
    )
    args = parser.parse_args()
    if args.quick:
        args.panels, args.rounds, args.kill_after = 50, 3 if args.nats else 2, 1.5
    tmp = tempfile.mkdtemp(prefix="kalantar-crash-")
    url = PG_URL if args.db == "postgres" else f"sqlite:///{tmp}/crash.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BENCH_PANELS": str(args.panels),
        "DJANGO_SETTINGS_MODULE": "kalantar.settings",
        "KALANTAR_VAR_DIR": tmp,
    }
    print(
        f"kill -9 under load on {args.db}: {args.panels} connections, {args.rounds} rounds, "
        f"killed after {args.kill_after:.1f} s of load each",
        flush=True,
    )
    if args.nats:
        report_nats(run_nats(args, env))
        return
    ours = run(args, env, ack_first=False)
    naive = run(args, env, ack_first=True)
    print(
        f"{'receiver':26} {'sent':>7} {'acked':>7} {'stored':>7} {'LOST':>5} "
        f"{'stored, not acked':>18} {'left unprocessed':>17} {'comm-lost alarms':>17}"
    )
    for name, r in (("ours (ACK after commit)", ours), ("naive (ACK before commit)", naive)):
        print(
            f"{name:26} {r['sent']:7} {r['acked']:7} {r['stored']:7} {r['lost']:5} "
            f"{r['stored_unacked']:18} {r['unprocessed']:17} {r['comm_lost']:17}"
        )
    print("\nacknowledged events lost by ours:", ours["lost"], "(must be 0)")


def report_nats(r: dict) -> None:
    print(f"killed, one per round: {', '.join(r['killed'])}")
    print(
        f"{'through JetStream R3':26} {'sent':>7} {'acked':>7} {'stored':>7} {'LOST':>5} "
        f"{'TWICE':>6} {'stored, not acked':>18} {'left unprocessed':>17} {'comm-lost alarms':>17}"
    )
    print(
        f"{'receiver → NATS → consumer':26} {r['sent']:7} {r['acked']:7} {r['stored']:7} "
        f"{r['lost']:5} {r['twice']:6} {r['stored_unacked']:18} {r['unprocessed']:17} "
        f"{r['comm_lost']:17}"
    )
    print("\nacknowledged events lost:", r["lost"], "(must be 0); stored twice:", r["twice"])


if __name__ == "__main__":
    main()
