"""Alarm fan-in through NATS JetStream (settings.NATS_URL): the receiver's publisher and the
consumer that writes the stream into the database.

A receiver publishes each accepted event with `Nats-Msg-Id` = its dedup key and ACKs the
panel only on the stream's ack (the event is then on a majority of the stream's replicas).
Consumers pull batches, store them through `store.Ingest` (INSERT … ON CONFLICT on the same
key, a unique constraint), then ack. A redelivery after a consumer died, or a late ack taken
after the message already went to another consumer (nats-server#4786), stores nothing twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from urllib.parse import quote, unquote

import nats
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from nats.errors import TimeoutError as FetchTimeout
from nats.js import api
from nats.js.errors import NotFoundError

from kalantar.alarms import services, store
from kalantar.alarms.selectors import CONSUMER_PREFIX

log = logging.getLogger("kalantar.alarms.stream")

FORMAT = 1  # the payload's layout: [FORMAT, supervision seconds, EVENT_COLUMNS values]
DURABLE = "alarm-writers"  # the one durable consumer every consumer process pulls from
# Deliveries the server allows beyond the parking threshold: a consumer killed while it
# handled the last one still gets the message again, to park it.
SPARE_DELIVERIES = 2
RETRY_SECONDS = 1.0  # between attempts to reach NATS, the stream or the database
EXPIRE_EVERY_SECONDS = 0.25
HEARTBEAT_SECONDS = 5.0
IDLE_FETCH_SECONDS = 1.0
BUSY_FETCH_SECONDS = 0.05


@dataclass(frozen=True)
class StreamSettings:
    servers: list[str]
    stream: str
    subject: str
    replicas: int
    duplicate_window: float
    ack_wait: float
    max_deliver: int
    publish_seconds: float

    @classmethod
    def from_settings(cls) -> StreamSettings:
        return cls(
            servers=[u.strip() for u in settings.NATS_URL.split(",") if u.strip()],
            stream=settings.ALARMS_NATS_STREAM,
            subject=settings.ALARMS_NATS_SUBJECT,
            replicas=settings.ALARMS_NATS_REPLICAS,
            duplicate_window=float(settings.ALARMS_NATS_DUPLICATE_WINDOW_SECONDS),
            ack_wait=settings.ALARMS_NATS_ACK_WAIT_SECONDS,
            max_deliver=max(1, settings.ALARMS_NATS_MAX_DELIVER),
            publish_seconds=settings.ALARMS_NATS_PUBLISH_SECONDS,
        )

    @property
    def parked_stream(self) -> str:
        return f"{self.stream}_PARKED"

    @property
    def parked_subject(self) -> str:
        return f"{self.subject}.parked"


def configured() -> bool:
    return bool(settings.NATS_URL)


# --- The message --------------------------------------------------------------------------


PANEL_TIME = store.EVENT_COLUMNS.index("panel_time")
RECEIVED_AT = store.EVENT_COLUMNS.index("received_at")


def encode(row: tuple, supervision_seconds: int) -> bytes:
    """One event (EVENT_COLUMNS order) as the stream carries it: JSON, times as epochs."""
    values = list(row)
    panel_time = row[PANEL_TIME]
    values[PANEL_TIME] = panel_time.timestamp() if panel_time is not None else None
    values[RECEIVED_AT] = row[RECEIVED_AT].timestamp()
    return json.dumps([FORMAT, supervision_seconds, values], separators=(",", ":")).encode()


def decode(data: bytes) -> tuple[tuple, int]:
    """(row, supervision seconds) of a message; ValueError if it is not one of ours."""
    try:
        version, supervision_seconds, values = json.loads(data)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an event: {exc}") from exc
    if version != FORMAT or len(values) != len(store.EVENT_COLUMNS):
        raise ValueError(f"unknown layout {version!r} with {len(values)} fields")
    if values[PANEL_TIME] is not None:
        values[PANEL_TIME] = datetime.fromtimestamp(values[PANEL_TIME], UTC)
    values[RECEIVED_AT] = datetime.fromtimestamp(values[RECEIVED_AT], UTC)
    return tuple(values), int(supervision_seconds)


# Header values travel as ASCII: anything else (a Persian error message) is %-escaped.
_HEADER_SAFE = " !\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~"


def header_text(text: str) -> str:
    return quote(" ".join(text.split()), safe=_HEADER_SAFE)


def header_read(value: str) -> str:
    return unquote(value or "")


# --- Connection and streams ---------------------------------------------------------------


async def connect(cfg: StreamSettings, name: str, **callbacks):
    """A connection that keeps trying (any server of the cluster) for ever, the first time
    too: `connect` returns once a server answered."""

    async def warn(exc: Exception) -> None:
        log.warning("NATS: %s", exc)

    callbacks.setdefault("error_cb", warn)
    return await nats.connect(
        servers=cfg.servers,
        name=name,
        connect_timeout=2,
        reconnect_time_wait=0.5,
        max_reconnect_attempts=-1,
        **callbacks,
    )


async def ensure_streams(js, cfg: StreamSettings) -> None:
    """The event stream (a work queue: a message leaves it once a consumer stored it) and the
    dead-letter stream of parked events; created when missing, left as they are otherwise."""
    for name, subject, retention in (
        (cfg.stream, cfg.subject, api.RetentionPolicy.WORK_QUEUE),
        (cfg.parked_stream, cfg.parked_subject, api.RetentionPolicy.LIMITS),
    ):
        try:
            await js.stream_info(name)
        except NotFoundError:
            await js.add_stream(
                api.StreamConfig(
                    name=name,
                    subjects=[subject],
                    retention=retention,
                    storage=api.StorageType.FILE,
                    num_replicas=cfg.replicas,
                    duplicate_window=cfg.duplicate_window,
                )
            )
            log.info("created stream %s (%s, R%s)", name, subject, cfg.replicas)


# --- The receiver's side ------------------------------------------------------------------

Reply = tuple[bytes, Callable[[bytes], None]]


class Publisher:
    """Publishes the receiver's accepted events from its event loop. `put` queues one; the
    stream's ack hands its ACK to `deliver`, a refusal or a silence longer than
    `publish_seconds` hands the message to `failed` (a NAK: the panel sends it again)."""

    def __init__(self, cfg: StreamSettings, name: str, window: int = 50_000) -> None:
        self.cfg = cfg
        self.name = name
        self.window = window  # publishes awaiting the stream's ack, at most
        self.answering = False  # connected and the stream answered: accept panels
        self._down_at = time.time()
        self._queue: list[tuple] = []
        self._inflight = 0
        self._deadlines: deque = deque()  # (monotonic deadline, future), oldest first
        self._acked: list[Reply] = []
        self._failed: list[tuple] = []
        self._flush_due = False
        self._wake: asyncio.Event | None = None
        self._reported = False  # the first refusal was logged
        self._opened = False  # connected once with the streams in place
        self.nc = None

    def put(self, row: tuple, supervision_seconds: int, message, reply: bytes, send) -> int:
        """Queue one event for publishing; returns the events now held (queued or in flight)."""
        self._queue.append((row, supervision_seconds, message, reply, send))
        if len(self._queue) == 1 and self._wake is not None:
            self._wake.set()
        return len(self._queue) + self._inflight

    def held(self) -> int:
        return len(self._queue) + self._inflight

    def down_since(self) -> datetime | None:
        """Since when panels are refused for want of the stream (None: they are not)."""
        return None if self.answering else datetime.fromtimestamp(self._down_at, UTC)

    def _set_answering(self, answering: bool, why: str = "") -> None:
        if answering == self.answering:
            return
        self.answering = answering
        if answering:
            cfg = self.cfg
            log.warning("alarm stream %s answers (R%s): accepting panels", cfg.stream, cfg.replicas)
        else:
            self._down_at = time.time()
            log.error(
                "alarm stream %s not answering (%s): panels get NAK until it does",
                self.cfg.stream, why,
            )  # fmt: skip

    async def run(self, deliver: Callable[[list[Reply], int], None], failed) -> None:
        """Connect (retrying for ever, NAKing panels meanwhile), then publish what `put`
        queues. `deliver(replies, duplicates)` and `failed([(message, send)])` run on the loop."""
        self._deliver, self._on_failed = deliver, failed
        self._wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        js = await self._open()
        loop.call_later(EXPIRE_EVERY_SECONDS, self._expire, loop)
        subject = self.cfg.subject
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._queue:
                batch, self._queue = self._queue, []
                self._inflight += len(batch)
                for item in batch:
                    await self._publish_one(js, subject, item, loop)

    async def _open(self):
        """Connected to NATS with the streams in place; panels are NAKed until then."""
        while True:
            try:
                if self.nc is None:
                    self.nc = await connect(
                        self.cfg, self.name, error_cb=self._error,
                        disconnected_cb=self._disconnected, reconnected_cb=self._reconnected,
                    )  # fmt: skip
                js = self.nc.jetstream(
                    timeout=self.cfg.publish_seconds, publish_async_max_pending=self.window
                )
                await ensure_streams(js, self.cfg)
                self._opened = True
                self._set_answering(True)
                return js
            except Exception as exc:  # any failure here means: not yet
                self._refusing(exc)
                await asyncio.sleep(RETRY_SECONDS)

    def _refusing(self, exc: Exception) -> None:
        """Not connected yet, or the stream not there: say so once, NAK what waits."""
        if not self._reported:
            self._reported = True
            self.answering = True  # so that _set_answering logs the change
            self._set_answering(False, f"{type(exc).__name__}: {exc}")
        self._drain_refused()

    async def _error(self, exc: Exception) -> None:
        if self.nc is None or not self.nc.is_connected:
            self._refusing(exc)
        else:
            log.warning("NATS: %s", exc)

    def _drain_refused(self) -> None:
        """NAK whatever was queued while the stream cannot take it."""
        if self._queue:
            batch, self._queue = self._queue, []
            self._on_failed([(m, send) for _r, _s, m, _reply, send in batch])

    async def _disconnected(self) -> None:
        self._set_answering(False, "connection to NATS lost")

    async def _reconnected(self) -> None:
        if self._opened:  # the streams were there: a reconnection needs no new check
            self._set_answering(True)

    async def _publish_one(self, js, subject: str, item: tuple, loop) -> None:
        row, supervision_seconds, message, reply, send = item
        if not self.answering:
            self._done_failed(message, send)
            return
        try:
            future = await js.publish_async(
                subject, encode(row, supervision_seconds), headers={"Nats-Msg-Id": row[14]}
            )
        except Exception:
            self._done_failed(message, send)
            return
        future.add_done_callback(partial(self._published, message, reply, send))
        self._deadlines.append((time.monotonic() + self.cfg.publish_seconds, future))

    def _published(self, message, reply: bytes, send, future: asyncio.Future) -> None:
        if future.cancelled() or future.exception() is not None:
            self._done_failed(message, send)
            return
        self._inflight -= 1
        self._acked.append((reply, send))
        self._schedule_flush()

    def _done_failed(self, message, send) -> None:
        self._inflight -= 1
        self._failed.append((message, send))
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        # One hand-over per turn of the loop for every ack that arrived in it.
        if not self._flush_due:
            self._flush_due = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_due = False
        acked, self._acked = self._acked, []
        failed, self._failed = self._failed, []
        if acked:
            self._deliver(acked, 0)
        if failed:
            self._on_failed(failed)

    def _expire(self, loop) -> None:
        """Give up on publishes the stream did not acknowledge in time (a node died with
        them, or the stream has no leader): their panels get a NAK."""
        now = time.monotonic()
        deadlines = self._deadlines
        while deadlines and (deadlines[0][1].done() or deadlines[0][0] <= now):
            _at, future = deadlines.popleft()
            if not future.done():
                future.cancel()
        loop.call_later(EXPIRE_EVERY_SECONDS, self._expire, loop)


# --- The consumer -------------------------------------------------------------------------


def database_answers() -> bool:
    """True if the database takes a query (a failed batch is then the events' fault)."""
    try:
        connection.close_if_unusable_or_obsolete()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        connection.close()
        return False


def store_events(ingest: store.Ingest, events: list[tuple[tuple, int]]) -> None:
    """Store (row, supervision seconds) pairs in one transaction, as the receiver would."""
    seen: dict[int, tuple[int, int]] = {}
    for row, supervision_seconds in events:
        epoch = int(row[13].timestamp())
        if epoch >= seen.get(row[0], (0, 0))[0]:
            seen[row[0]] = (epoch, supervision_seconds)
    try:
        ingest.store([row for row, _s in events], seen)
    except Exception:
        close_old_connections()
        raise


class Consumer:
    """Pulls events from the stream's durable consumer and stores them, then acks. Several
    processes may run it: the server shares the messages out between them."""

    def __init__(self, cfg: StreamSettings, name: str, *, batch: int = 1000) -> None:
        self.cfg = cfg
        self.name = name
        self.batch = batch
        self.status_name = f"{CONSUMER_PREFIX}{name}"
        self.stored = 0
        self.parked = 0
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="alarm-consumer-db")
        self._ingest = store.Ingest()
        self._beat_due = 0.0

    async def _db(self, fn, *args):
        """Run `fn` in the one thread that owns this consumer's database connection."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        await self._db(self._start_db)
        psub = await self._subscribe()
        log.info("consumer %s pulling from %s", self.name, self.cfg.stream)
        busy = False
        while not stop.is_set():
            try:
                # Idle, wait for one message and take it at once (a fetch of a whole batch
                # would hold a lone alarm until its time ran out); busy, take what is there.
                if busy:
                    msgs = await psub.fetch(self.batch, timeout=BUSY_FETCH_SECONDS)
                else:
                    msgs = await psub.fetch(1, timeout=IDLE_FETCH_SECONDS)
            except FetchTimeout:
                msgs = []
            except Exception as exc:  # reconnecting, or a stream without a leader yet
                log.warning("fetch: %s: %s", type(exc).__name__, exc)
                await asyncio.sleep(0.2)
                msgs = []
            busy = bool(msgs)
            if msgs:
                await self._handle(msgs)
            await self._db(self._chores)
        await self.nc.close()
        await self._db(connection.close)

    def _start_db(self) -> None:
        self._ingest.start()
        services.mark_receiver_started(name=self.status_name)

    def _chores(self) -> None:
        mono = time.monotonic()
        self._ingest.follow_up(mono)
        if mono >= self._beat_due:
            services.touch_receiver(name=self.status_name)
            self._beat_due = mono + HEARTBEAT_SECONDS

    async def _subscribe(self):
        while True:
            try:
                self.nc = await connect(self.cfg, f"{self.name}")
                js = self.nc.jetstream()
                await ensure_streams(js, self.cfg)
                psub = await js.pull_subscribe(
                    self.cfg.subject,
                    durable=DURABLE,
                    stream=self.cfg.stream,
                    config=api.ConsumerConfig(
                        ack_policy=api.AckPolicy.EXPLICIT,
                        ack_wait=self.cfg.ack_wait,
                        max_deliver=self.cfg.max_deliver + SPARE_DELIVERIES,
                        max_ack_pending=20_000,
                    ),
                )
                self.js = js
                return psub
            except Exception as exc:
                log.error("alarm stream not reachable (%s): retrying", exc)
                if self.nc is not None:
                    await self.nc.close()
                    self.nc = None
                await asyncio.sleep(RETRY_SECONDS)

    async def _handle(self, msgs: list) -> None:
        events = []
        for msg in msgs:
            try:
                events.append((msg, decode(msg.data)))
            except ValueError as exc:
                await self._park(msg, str(exc))  # no delivery will ever read it
        if not events:
            return
        try:
            await self._db(store_events, self._ingest, [e for _m, e in events])
        except Exception as exc:
            log.warning("batch of %s not stored (%s): trying them one by one", len(events), exc)
            await self._one_by_one(events)
            return
        self.stored += len(events)
        for msg, _event in events:
            await msg.ack()

    async def _one_by_one(self, events: list) -> None:
        """A failed batch: with the database down, hold the messages (no delivery counted)
        until it answers; with it up, store each alone, and retry a failing one later until
        it has had `max_deliver` deliveries, then park it."""
        while not await self._db(database_answers):
            log.error("database not answering: holding %s events", len(events))
            for msg, _event in events:
                await msg.in_progress()
            await asyncio.sleep(RETRY_SECONDS)
        for msg, event in events:
            try:
                await self._db(store_events, self._ingest, [event])
            except Exception as exc:
                if msg.metadata.num_delivered >= self.cfg.max_deliver:
                    await self._park(msg, f"{type(exc).__name__}: {exc}")
                else:
                    await msg.nak(delay=RETRY_SECONDS)
            else:
                self.stored += 1
                await msg.ack()

    async def _park(self, msg, reason: str) -> None:
        """Move a message the consumers cannot store to the dead-letter stream, for review,
        and take it off the event stream: it never loops and never holds up the others."""
        deliveries = msg.metadata.num_delivered
        key = (msg.headers or {}).get("Nats-Msg-Id", "")
        replays = (msg.headers or {}).get("Kalantar-Replays", "")
        headers = {
            "Kalantar-Error": header_text(reason[:500]),
            "Kalantar-Deliveries": str(deliveries),
        }
        if replays:
            headers["Kalantar-Replays"] = replays
        if key:
            # Parked twice (a crash between): kept once. A replayed event that fails again
            # is a new parking, under its own id, or the dead-letter stream would take it
            # for the first one (still in its duplicate window) and it would be lost.
            headers["Nats-Msg-Id"] = f"{key}|replay{replays}" if replays else key
        try:
            await self.js.publish(self.cfg.parked_subject, msg.data, headers=headers)
        except Exception as exc:
            log.error("could not park a message (%s): it comes back later", exc)
            await msg.nak(delay=RETRY_SECONDS)
            return
        await msg.term()
        self.parked += 1
        log.error(
            "parked event %s after %s deliveries on %s: %s",
            key, deliveries, self.cfg.parked_subject, reason,
        )  # fmt: skip
