"""Alarm fan-in through NATS JetStream (NATS_URL): a real three-node cluster started from the
machine's nats-server, receivers and consumers as real processes, and kill -9 under load from
the panel simulator. After each kill, every event a panel got an ACK for is in the database
exactly once, and its alarm opened."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import nats
import pytest
from django.db import connection

from kalantar.alarms import codes, fanin, panels, sia, store
from kalantar.alarms.models import Alarm, AlarmEvent, ReceiverStatus, Subscriber
from kalantar.core.devservers import NatsCluster, free_ports, nats_server, wait_port

pytestmark = [
    pytest.mark.nats,
    pytest.mark.skipif(
        nats_server() is None, reason="nats-server is not installed: no JetStream to test"
    ),
]

PANELS = 24
RATE = 400.0  # frames per second from the whole fleet
LOAD_SECONDS = 4.0
KILL_AFTER = 1.5


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    nodes = NatsCluster(tmp_path_factory.mktemp("nats"), 3).start()
    yield nodes
    nodes.stop()


def database_url() -> str:
    """The test database, for the receiver and consumer processes."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


class Stage:
    """One test's stream, processes and simulated fleet."""

    def __init__(self, tmp_path: Path, nats_url: str, replicas: int = 3, **extra: str) -> None:
        tag = uuid.uuid4().hex[:8]
        self.tmp = tmp_path
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "kalantar.settings",
            "KALANTAR_VAR_DIR": str(tmp_path),
            "NATS_URL": nats_url,
            "ALARMS_NATS_STREAM": f"TEST_{tag}",
            "ALARMS_NATS_SUBJECT": f"test.{tag}.events",
            "ALARMS_NATS_REPLICAS": str(replicas),
            "ALARMS_NATS_PUBLISH_SECONDS": "3",
            "ALARMS_MAX_CONNECTIONS_PER_ADDRESS": "1000",
            **extra,
        }
        self.procs: list[subprocess.Popen] = []

    def spawn(self, *argv: str, log: str) -> subprocess.Popen:
        with open(self.tmp / log, "ab") as out:  # the child keeps its own copy
            proc = subprocess.Popen(
                [sys.executable, "-m", "kalantar", *argv], env=self.env, stdout=out, stderr=out
            )
        self.procs.append(proc)
        return proc

    def receiver(
        self, name: str, *, answering: bool = True, port: int | None = None
    ) -> tuple[subprocess.Popen, int]:
        """A receiver listening and, if `answering`, with the stream answering it; given a
        `port`, it shares that port with the receivers already on it."""
        shared = ["--reuse-port"] if port else []
        port = port or free_ports(1)[0]
        argv = ["alarm_receiver", "--port", str(port), "--name", name, *shared]
        proc = self.spawn(*argv, log=name)
        wait_port(port)
        deadline = time.monotonic() + 30
        while answering and "accepting panels" not in self.log(name):
            assert time.monotonic() < deadline, self.log(name)
            time.sleep(0.1)
        return proc, port

    def consumer(self, name: str) -> subprocess.Popen:
        return self.spawn("alarm_consumer", "--name", name, "--batch", "200", log=name)

    def log(self, name: str) -> str:
        return (self.tmp / name).read_text(errors="replace")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


@pytest.fixture
def stage(transactional_db, org_tree, tmp_path, cluster):
    made = Stage(tmp_path, cluster.url)
    yield made
    made.stop()


@pytest.fixture
def fleet(make_subscriber) -> list[panels.SimPanel]:
    accounts = [f"{0xC000 + i:X}" for i in range(PANELS)]
    for account in accounts:
        make_subscriber(account)
    return [panels.SimPanel(account) for account in accounts]


def load_and_kill(
    ports: list[int], fleet, kill, seconds: float = LOAD_SECONDS
) -> panels.FleetStats:
    """The simulator's fleet for `seconds`; `kill()` KILL_AFTER seconds into it."""

    async def run() -> panels.FleetStats:
        task = asyncio.create_task(
            panels.run_fleet(
                "127.0.0.1", ports, fleet, rate=RATE, duration=seconds,
                alarm_share=0.05, keep_keys=True,
            )
        )  # fmt: skip
        await asyncio.sleep(KILL_AFTER)
        kill()
        return await task

    return asyncio.run(run())


def stored_keys() -> Counter:
    rows = AlarmEvent.objects.values_list("account", "seq", "panel_time")
    return Counter((a, s, f"{t:%Y%m%d%H%M%S}") for a, s, t in rows)


def assert_acked_stored_once(stats: panels.FleetStats, timeout: float = 40) -> None:
    """Every acknowledged event reaches the database (the consumers drain the stream), once;
    and the alarms of the stored events are opened."""
    acked = set(stats.acked_keys)
    assert len(acked) == len(stats.acked_keys) > RATE * KILL_AFTER / 4, stats.merge_line()
    deadline = time.monotonic() + timeout
    while True:
        stored = stored_keys()
        missing = acked - set(stored)
        if not missing and not AlarmEvent.objects.filter(processed=False).exists():
            break
        assert time.monotonic() < deadline, f"{len(missing)} acknowledged events not stored"
        time.sleep(0.25)
    assert all(stored[key] == 1 for key in acked)
    assert max(stored.values()) == 1
    alarm_frames = AlarmEvent.objects.exclude(token="NULL").count()
    assert alarm_frames and Alarm.objects.exists()


def kill9(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def test_killing_a_consumer_loses_and_repeats_nothing(stage, fleet):
    _r, port = stage.receiver("receiver")
    first = stage.consumer("consumer-1")

    def kill():
        kill9(first)
        stage.consumer("consumer-2")  # what a supervisor restarting it would do

    stats = load_and_kill([port], fleet, kill)
    assert_acked_stored_once(stats)


def test_killing_a_receiver_panels_move_to_the_other(stage, fleet):
    doomed, port1 = stage.receiver("receiver-1")
    _r, port2 = stage.receiver("receiver-2")
    stage.consumer("consumer")
    stats = load_and_kill([port1, port2], fleet, lambda: kill9(doomed))
    assert stats.failed  # panels on the killed receiver lost their connection…
    assert_acked_stored_once(stats)  # …and what either receiver acknowledged is stored once


def test_receivers_share_one_address_and_panels_redial_it_when_one_dies(stage, fleet):
    # Started with --reuse-port, as the Procfile runs them: the kernel spreads the panels.
    doomed, port = stage.receiver("receiver-1", port=free_ports(1)[0])
    stage.receiver("receiver-2", port=port)
    stage.consumer("consumer")
    killed_at = []
    stats = load_and_kill(
        [port], fleet, lambda: (kill9(doomed), killed_at.append(datetime.now(UTC))), 8.0
    )
    assert stats.failed  # some panels were on the receiver that died…
    assert_acked_stored_once(stats)
    after = f"{killed_at[0]:%Y%m%d%H%M%S}"
    assert sum(ts > after for _a, _s, ts in stats.acked_keys) > RATE  # …the other answers


def test_killing_a_nats_node_loses_and_repeats_nothing(stage, fleet, cluster):
    _r, port = stage.receiver("receiver")
    stage.consumer("consumer")
    killed_at = []
    try:
        # Longer: the stream may need a new leader (seconds of NAKs, more on a busy machine),
        # then takes frames again.
        stats = load_and_kill(
            [port], fleet, lambda: (cluster.kill(0), killed_at.append(datetime.now(UTC))), 15.0
        )
        assert_acked_stored_once(stats)
        after = f"{killed_at[0]:%Y%m%d%H%M%S}"
        assert sum(ts > after for _a, _s, ts in stats.acked_keys) > RATE  # and it recovered
    finally:
        cluster.start_node(0)
        cluster.wait_ready()


def test_nats_down_at_start_refuses_panels_until_the_stream_answers(
    transactional_db, org_tree, make_subscriber, tmp_path, client, make_user
):
    make_subscriber("1234")
    lone = NatsCluster(tmp_path / "nats", 1)
    stage = Stage(tmp_path, lone.url, replicas=1)
    try:
        _r, port = stage.receiver("receiver", answering=False)
        reply = exchange(port, 1)
        assert reply.startswith(b'"NAK"0001')
        assert not AlarmEvent.objects.exists()
        deadline = time.monotonic() + 20
        while not ReceiverStatus.objects.filter(stream_down_since__isnull=False).exists():
            assert time.monotonic() < deadline, "receiver status not written"
            time.sleep(0.2)
        assert "not answering" in stage.log("receiver") and "NAK" in stage.log("receiver")
        client.force_login(make_user("op", "alarm_operator", "HM"))
        page = client.get("/alarms/").content.decode()
        assert 'id="stream-down"' in page

        lone.start()
        stage.consumer("consumer")
        deadline = time.monotonic() + 30
        seq = 2
        while not (reply := exchange(port, seq)).startswith(b'"ACK"'):
            assert time.monotonic() < deadline, reply
            seq += 1
            time.sleep(0.3)
        while not AlarmEvent.objects.filter(seq=f"{seq:04d}").exists():
            assert time.monotonic() < deadline, "the acknowledged event was not stored"
            time.sleep(0.2)
        assert "accepting panels" in stage.log("receiver")
    finally:
        stage.stop()
        lone.stop()


def exchange(port: int, seq: int) -> bytes:
    frame = sia.build(token="SIA-DCS", seq=seq, account="1234", data="Nri1/BA001")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(frame)
        [raw] = sia.FrameSplitter().feed(sock.recv(4096))
    return raw.body


def test_poison_event_is_parked_and_never_blocks_the_rest(stage, make_subscriber):
    sub = make_subscriber("1234")
    stage.env["ALARMS_NATS_MAX_DELIVER"] = "2"
    stage.env["ALARMS_NATS_ACK_WAIT_SECONDS"] = "2"
    cfg = stream_settings(stage.env)
    good = event_row(sub.pk, 1)
    orphan = event_row(999_999, 2)  # its premises deleted: the database refuses it
    asyncio.run(
        publish(cfg, [(b"not json", "x|1"), (fanin.encode(orphan, 0), orphan[DEDUP]),
                      (fanin.encode(good, 0), good[DEDUP])])
    )  # fmt: skip
    stage.consumer("consumer")
    deadline = time.monotonic() + 30
    while not AlarmEvent.objects.filter(dedup_key=good[DEDUP]).exists():
        assert time.monotonic() < deadline, stage.log("consumer")  # the good one is stuck
        time.sleep(0.2)
    parked = []
    while len(parked) < 2:
        assert time.monotonic() < deadline, f"parked: {parked}"
        time.sleep(0.5)
        parked = asyncio.run(read_parked(cfg))
    errors = {key: (error, int(deliveries)) for key, error, deliveries in parked}
    assert "not an event" in errors["x|1"][0] and errors["x|1"][1] == 1
    assert errors[orphan[DEDUP]][1] == 2  # parked at the second delivery, as configured
    assert asyncio.run(consumer_left(cfg)) == (0, 0)  # nothing pending, nothing redelivered
    assert AlarmEvent.objects.count() == 1 and Subscriber.objects.count() == 1


def stream_settings(env: dict) -> fanin.StreamSettings:
    return fanin.StreamSettings(
        servers=env["NATS_URL"].split(","), stream=env["ALARMS_NATS_STREAM"],
        subject=env["ALARMS_NATS_SUBJECT"], replicas=int(env["ALARMS_NATS_REPLICAS"]),
        duplicate_window=120, ack_wait=2, max_deliver=2, publish_seconds=3,
    )  # fmt: skip


def event_row(subscriber_id: int, seq: int) -> tuple:
    """An event as the receiver makes it, in EVENT_COLUMNS order."""
    c = codes.classify("SIA-DCS", "BA", "")
    values = {
        "subscriber_id": subscriber_id, "account": "1234", "token": "SIA-DCS",
        "encrypted": False, "seq": f"{seq:04d}", "code": "BA", "qualifier": "", "zone": "001",
        "partition": "", "category": c.category, "priority": c.priority, "known": c.known,
        "panel_time": None, "received_at": datetime.now(UTC),
        "dedup_key": f"1234|{seq}|poison-test", "data": "Nri1/BA001", "processed": False,
        "province_id": None,
    }  # fmt: skip
    return tuple(values[column] for column in store.EVENT_COLUMNS)


DEDUP = store.EVENT_COLUMNS.index("dedup_key")


async def publish(cfg: fanin.StreamSettings, messages: list[tuple[bytes, str]]) -> None:
    nc = await nats.connect(servers=cfg.servers)
    js = nc.jetstream()
    await fanin.ensure_streams(js, cfg)
    for data, key in messages:
        await js.publish(cfg.subject, data, headers={"Nats-Msg-Id": key})
    await nc.close()


async def read_parked(cfg: fanin.StreamSettings) -> list[tuple[str, str, str]]:
    nc = await nats.connect(servers=cfg.servers)
    js = nc.jetstream()
    info = await js.stream_info(cfg.parked_stream)
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        if info.state.messages == 0:
            break
        msg = await js.get_msg(cfg.parked_stream, seq)
        h = msg.headers or {}
        found.append((h.get("Nats-Msg-Id", ""), h["Kalantar-Error"], h["Kalantar-Deliveries"]))
    await nc.close()
    return found


async def consumer_left(cfg: fanin.StreamSettings) -> tuple[int, int]:
    nc = await nats.connect(servers=cfg.servers)
    info = await nc.jetstream().consumer_info(cfg.stream, fanin.DURABLE)
    await nc.close()
    return info.num_pending, info.num_ack_pending


def test_payload_round_trip():
    row = event_row(7, 3)
    assert fanin.decode(fanin.encode(row, 3600)) == (row, 3600)
    with pytest.raises(ValueError):
        fanin.decode(json.dumps([99, 0, []]).encode())
