"""The SIA DC-09 receiver: asyncio TCP and UDP front, one database thread behind it.

The event loop frames, checks and parses; accepted events wait in `pending`. The database
thread takes everything pending, stores it in one transaction (group commit) and only
then hands the ACKs back to the loop. Errors answer NAK at once; nothing unstored is ACKed.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import close_old_connections, connection

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
    uvloop = None

from kalantar.alarms import codes, fanin, services, sia, store

log = logging.getLogger("kalantar.alarms.receiver")

MAX_PENDING = 50_000  # stop reading from sockets while this many events await commit
PANEL_REFRESH_SECONDS = 5.0
HEARTBEAT_SECONDS = 5.0
CHECKPOINT_SECONDS = 1.0
# How often deadlines are checked: one pass over the connections, no timer per connection.
SWEEP_SECONDS = 0.5
# Source addresses whose UDP allowance is remembered; beyond this the table starts afresh.
UDP_ADDRESSES = 65_536


def window() -> tuple[int, int]:
    """(seconds a panel may be ahead, seconds behind) of the receiver's clock."""
    return (
        settings.ALARMS_TIME_AHEAD_SECONDS,
        settings.ALARMS_TIME_BEHIND_SECONDS,
    )


@dataclass(frozen=True)
class Limits:
    """The receiver's caps and timeouts (settings.py documents each)."""

    frame_seconds: float
    idle_seconds: float
    max_connections: int
    per_address: int
    udp_replies_per_second: float

    @classmethod
    def from_settings(cls, descriptors: int) -> Limits:
        """The configured limits, the total kept to 3/4 of `descriptors` (the process's soft
        limit): the rest stays for the database, log files and accepting to refuse."""
        return cls(
            frame_seconds=settings.ALARMS_FRAME_SECONDS,
            idle_seconds=settings.ALARMS_IDLE_SECONDS,
            max_connections=max(1, min(settings.ALARMS_MAX_CONNECTIONS, descriptors * 3 // 4)),
            per_address=settings.ALARMS_MAX_CONNECTIONS_PER_ADDRESS,
            udp_replies_per_second=settings.ALARMS_UDP_REPLIES_PER_SECOND,
        )


def raise_descriptor_limit() -> int:
    """Raise this process's soft limit of open files to the hard one (the service unit sets
    the hard one, e.g. LimitNOFILE=65536); returns the soft limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            log.warning("could not raise the open-file limit from %s to %s", soft, hard)
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


@dataclass
class Stats:
    acked: int = 0
    duplicates_acked: int = 0
    naks: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    connections: int = 0
    # What the limits did since the start (the console shows them through ReceiverStatus).
    refused: int = 0  # connections over a cap, closed at once
    evicted: int = 0  # silent connections closed to make room for a new one
    timed_out: int = 0  # connections closed with a frame not completed in time
    idle_closed: int = 0  # connections closed after the idle time between frames
    replies_dropped: int = 0  # UDP replies not sent (rate limit per address)
    limited_at: float = 0.0  # when a limit last bit (epoch seconds)

    def error(self, reason: str) -> None:
        self.errors[reason] = self.errors.get(reason, 0) + 1

    def limit(self, what: str) -> None:
        setattr(self, what, getattr(self, what) + 1)
        self.limited_at = time.time()

    def limit_figures(self, open_connections: int) -> dict:
        return {
            "connections": open_connections,
            "refused": self.refused + self.evicted,
            "timed_out": self.timed_out,
            "replies_dropped": self.replies_dropped,
            "limited_at": (
                datetime.fromtimestamp(self.limited_at, UTC) if self.limited_at else None
            ),
        }


class _Due:
    """When the database thread next does each periodic chore (monotonic seconds), and the
    panels' stamp last loaded."""

    __slots__ = ("beat", "panels", "stamp")

    def __init__(self, stamp: tuple, now: float) -> None:
        self.stamp = stamp
        self.beat = self.panels = now


class Receiver:
    def __init__(
        self,
        *,
        name: str = "receiver",
        now: Callable[[], float] = time.time,
        stream: fanin.Publisher | None = None,
    ) -> None:
        self.name = name
        self.now = now
        # With a stream, events go to JetStream and are ACKed on its ack; else to the database.
        self.stream = stream
        self.panels: dict[str, store.Panel] = {}
        self.pending: list[tuple[tuple, bytes, Callable[[bytes], None]]] = []
        self.seen: dict[int, tuple[int, int]] = {}
        self.stats = Stats()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        # Open connections, oldest first (eviction takes the oldest silent one).
        self._connections: dict[_TCP, None] = {}
        self._per_address: dict[str, int] = {}
        self._udp_allowance: dict[str, tuple[float, float]] = {}  # address → (tokens, at)
        self.limits = Limits.from_settings(resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        self._paused = False
        self.ahead, self.behind = window()
        self.ready = threading.Event()
        self.idle = threading.Event()  # set while the database thread has nothing in hand

    # --- loop side --------------------------------------------------------------------

    def handle_quick(self, message: sia.Message, send: Callable[[bytes], None]) -> bool:
        """Answer or queue one message read by `sia.quick` (a plain, untimed frame whose
        checks passed); True if queued for an ACK. The same steps as `handle` after parsing."""
        panel = self._panel(message, send)
        return panel is not None and self._accept(message, panel, send)

    def handle(
        self, raw: sia.RawFrame, send: Callable[[bytes], None], *, anonymous_nak: bool = True
    ) -> bool:
        """Answer or queue one frame (runs in the event loop); True if queued for an ACK.
        `anonymous_nak=False` (UDP, whose source can be forged) sends nothing for a frame
        without a readable account."""
        if raw.body is None:
            reason = raw.error.reason if raw.error else "frame"
            self.stats.error(reason)
            if reason == "header" or not anonymous_nak:
                return False  # an LF in noise, not a frame: nothing to answer
            self.stats.naks += 1
            send(sia.nak(None, self._now_dt()))
            return False
        head = sia.head(raw.body)
        if head is None:
            try:
                sia.parse(raw.body)
            except sia.FrameError as exc:
                self.stats.error(exc.reason)
            if anonymous_nak:
                self.stats.naks += 1
                send(sia.nak(None, self._now_dt()))
            return False
        panel = self._panel(head, send)
        if panel is None:
            return False
        try:
            message = sia.parse(raw.body, panel.key)
        except sia.FrameError as exc:
            return self._nak(head, send, exc.reason)
        return self._accept(message, panel, send)

    def _panel(self, head: sia.Message, send) -> store.Panel | None:
        """The panel a message's account belongs to, or None after a NAK: an unknown account,
        or a keyed panel sending plain (it must encrypt: no spoofing)."""
        panel = self.panels.get(head.account.upper())
        if panel is None:
            self._nak(head, send, "account")
            return None
        if panel.key is not None and not head.encrypted:
            self._nak(head, send, "plain")
            return None
        return panel

    def _accept(self, message: sia.Message, panel: store.Panel, send) -> bool:
        """Check the panel's clock, then queue the row and its ACK; True if queued."""
        if self.stream is not None and not self.stream.answering:
            return self._nak(message, send, "stream")  # nothing could make it durable
        now = self.now()
        if message.timestamp is not None:
            drift = message.timestamp.timestamp() - panel.clock_offset_seconds - now
            if drift > self.ahead or drift < -self.behind:
                return self._nak(message, send, "timestamp")
        received = datetime.fromtimestamp(now, UTC)
        row = self._row(message, panel, received, now)
        reply = sia.ack(message, panel.key, received)
        if self.stream is not None:
            self._publish(message, row, reply, send, panel)
        else:
            self._queue(row, reply, send, panel, now)
        return True

    def _publish(self, message: sia.Message, row: tuple, reply: bytes, send, panel) -> None:
        """Hand the row to the stream; the ACK goes out on the stream's ack (`_deliver`)."""
        held = self.stream.put(row, panel.supervision_seconds, message, reply, send)
        if held >= MAX_PENDING and not self._paused:
            self._pause(True)

    def _queue(self, row: tuple, reply: bytes, send, panel: store.Panel, now: float) -> None:
        """Hold the ACK until the database thread has committed the row."""
        pending = self.pending
        pending.append((row, reply, send))
        self.seen[panel.subscriber_id] = (int(now), panel.supervision_seconds)
        if len(pending) == 1:
            self._wake.set()
        if len(pending) >= MAX_PENDING and not self._paused:
            self._pause(True)

    def _nak(self, head: sia.Message, send, reason: str) -> bool:
        self.stats.error(reason)
        self.stats.naks += 1
        send(sia.nak(head, self._now_dt()))
        return False

    def _now_dt(self) -> datetime:
        return datetime.fromtimestamp(self.now(), UTC)

    def _row(
        self, message: sia.Message, panel: store.Panel, received: datetime, now: float
    ) -> tuple:
        account = message.account.upper()
        try:
            event = sia.event_data(message)
            c = codes.classify(message.token, event.code, event.qualifier)
        except sia.FrameError:
            # A well-formed frame whose data we cannot read: keep it for review, ACK it.
            event = sia.EventData("")
            c = codes.Classification(codes.UNKNOWN, codes.LOG_PRIORITY, False, "")
        panel_time = None
        if message.timestamp is not None:
            panel_time = datetime.fromtimestamp(
                message.timestamp.timestamp() - panel.clock_offset_seconds, UTC
            )
        processed = not (c.opens_alarm or c.category == codes.RESTORE or not c.known)
        data = (
            message.data
            if not message.extras
            else message.data + "".join(f"[{x}]" for x in message.extras)
        )
        return (
            panel.subscriber_id, account, message.token, message.encrypted, message.seq,
            event.code, event.qualifier, event.zone[:16], event.partition[:8], c.category,
            c.priority, c.known, panel_time, received, store.dedup_key(message, account, now),
            data[:300], processed, panel.province_id,
        )  # fmt: skip

    def _pause(self, pause: bool) -> None:
        self._paused = pause
        # Time spent waiting on us is not the client's: deadlines start afresh on resuming.
        resumed = self.loop.time() + self.limits.frame_seconds if self.loop else 0.0
        for conn in list(self._connections):
            transport = conn.transport
            if not transport.is_closing():
                (transport.pause_reading if pause else transport.resume_reading)()
                conn.deadline = max(conn.deadline, resumed)

    # --- limits -----------------------------------------------------------------------

    def _admit(self, conn: _TCP) -> bool:
        """Take a new connection unless its address is at its cap; at the total cap, close the
        oldest connection that has not yet sent an acceptable frame, or refuse this one."""
        limits, address = self.limits, conn.address
        if self._per_address.get(address, 0) >= limits.per_address:
            self.stats.limit("refused")
            return False
        if len(self._connections) >= limits.max_connections:
            victim = next((c for c in self._connections if not c.trusted), None)
            if victim is None:
                self.stats.limit("refused")
                return False
            self.stats.limit("evicted")
            victim.close()
        self._connections[conn] = None
        self._per_address[address] = self._per_address.get(address, 0) + 1
        return True

    def _release(self, conn: _TCP) -> None:
        if self._connections.pop(conn, 0) is None:
            left = self._per_address[conn.address] - 1
            if left:
                self._per_address[conn.address] = left
            else:
                del self._per_address[conn.address]

    def _sweep(self) -> None:
        """Close connections past their deadline; forget spent UDP allowances."""
        now = self.loop.time()
        if not self._paused:
            for conn in [c for c in self._connections if c.deadline < now]:
                self.stats.limit("timed_out" if conn.in_frame else "idle_closed")
                conn.close()
        if len(self._udp_allowance) > UDP_ADDRESSES:
            self._udp_allowance.clear()
        full = [a for a, (_tokens, at) in self._udp_allowance.items() if at + 2 <= now]
        for address in full:
            del self._udp_allowance[address]  # refilled by now: the default again
        self.loop.call_later(SWEEP_SECONDS, self._sweep)

    def _udp_reply_allowed(self, address: str) -> bool:
        """A token bucket per source address: `udp_replies_per_second`, bursts of twice it."""
        rate = self.limits.udp_replies_per_second
        burst = 2 * rate
        now = self.loop.time()
        tokens, at = self._udp_allowance.get(address, (burst, now))
        tokens = min(burst, tokens + (now - at) * rate)
        if tokens < 1:
            self._udp_allowance[address] = (tokens, now)
            self.stats.limit("replies_dropped")
            return False
        self._udp_allowance[address] = (tokens - 1, now)
        return True

    def _deliver(self, replies: list[tuple[bytes, Callable[[bytes], None]]], dup: int) -> None:
        for reply, send in replies:
            send(reply)
        self.stats.acked += len(replies)
        self.stats.duplicates_acked += dup
        if self._paused and self._held() < MAX_PENDING // 2:
            self._pause(False)

    def _held(self) -> int:
        """Events accepted whose ACK still waits for the database or the stream."""
        return len(self.pending) if self.stream is None else self.stream.held()

    def _stream_failed(self, failed: list[tuple[sia.Message, Callable[[bytes], None]]]) -> None:
        """The stream refused or did not acknowledge these events in time: NAK, the panels
        send them again (the stream and the database drop what they already have)."""
        now = self._now_dt()
        for message, send in failed:
            self.stats.error("stream")
            self.stats.naks += 1
            send(sia.nak(message, now))
        if self._paused and self._held() < MAX_PENDING // 2:
            self._pause(False)

    # --- database side ----------------------------------------------------------------

    def _db_thread(self) -> None:
        ingest = store.Ingest() if self.stream is None else None
        if ingest is not None:
            ingest.start()
        services.mark_receiver_started(name=self.name)
        self.panels = store.load_panels()
        due = _Due(store.panels_stamp(), time.monotonic())
        self.ready.set()
        while not self._stopping.is_set():
            wait = 0.5 if ingest is None else ingest.wait_seconds(time.monotonic(), 0.5)
            self._wake.wait(timeout=wait)
            self._wake.clear()
            self.idle.clear()
            batch, self.pending = self.pending, []
            seen, self.seen = self.seen, {}
            try:
                if batch:
                    self._commit(ingest, batch, seen)
                self._chores(ingest, due, time.monotonic())
            except Exception:
                log.exception("database thread: will retry")
                if ingest is not None:
                    ingest.unprocessed = True
                close_old_connections()
                time.sleep(0.5)
            if not self.pending and (ingest is None or not ingest.unprocessed):
                self.idle.set()
        connection.close()  # stopped: leave no session behind

    def _chores(self, ingest: store.Ingest | None, due: _Due, mono: float) -> None:
        """The database thread's periodic work, each chore when its time has come. With a
        stream, the consumers store the events and open the alarms: only the panels and the
        heartbeat are left here."""
        if ingest is not None:
            ingest.follow_up(mono)
        if mono >= due.beat:
            figures = self.stats.limit_figures(len(self._connections))
            if self.stream is not None:
                figures["stream_down_since"] = self.stream.down_since()
            services.touch_receiver(name=self.name, **figures)
            due.beat = mono + HEARTBEAT_SECONDS
        if mono >= due.panels:
            new_stamp = store.panels_stamp()
            if new_stamp != due.stamp:
                self.panels, due.stamp = store.load_panels(), new_stamp
            due.panels = mono + PANEL_REFRESH_SECONDS

    def _commit(self, ingest: store.Ingest, batch, seen) -> None:
        try:
            ingest.store([item[0] for item in batch], seen)
        except Exception:
            # Not stored, so not acknowledged: the panels retransmit. Put the batch back.
            self.pending[:0] = batch
            raise
        replies = [(reply, send) for _row, reply, send in batch]
        self.loop.call_soon_threadsafe(self._deliver, replies, 0)

    # --- serving ----------------------------------------------------------------------

    def _checkpoint_thread(self) -> None:
        while not self._stopping.wait(CHECKPOINT_SECONDS):
            try:
                store.checkpoint_wal()
            except Exception:
                log.exception("checkpoint: will retry")
                close_old_connections()
        connection.close()

    async def serve(
        self, host: str, port: int, *, udp: bool = True, reuse_port: bool = False
    ) -> None:
        """Listen and serve until stopped. `reuse_port`: several receivers share the port
        (SO_REUSEPORT) and the kernel spreads the panels' connections over them."""
        self.loop = asyncio.get_running_loop()
        self.limits = Limits.from_settings(resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        self.loop.call_later(SWEEP_SECONDS, self._sweep)
        self._thread = threading.Thread(target=self._db_thread, name="alarm-db", daemon=True)
        self._thread.start()
        if self.stream is not None:
            self._stream_task = self.loop.create_task(
                self.stream.run(self._deliver, self._stream_failed)
            )
        elif connection.vendor == "sqlite" and not connection.is_in_memory_db():
            threading.Thread(target=self._checkpoint_thread, name="alarm-wal", daemon=True).start()
        while not self.ready.is_set():
            await asyncio.sleep(0.02)
        # The loop accepts up to `backlog` connections before any refused one is closed, so
        # the backlog must fit in the descriptors the cap leaves free.
        spare = resource.getrlimit(resource.RLIMIT_NOFILE)[0] - self.limits.max_connections
        server = await self.loop.create_server(
            lambda: _TCP(self), host, port, reuse_address=True, reuse_port=reuse_port,
            backlog=max(16, min(1024, spare // 2)),
        )  # fmt: skip
        self.servers = [server]
        bound = server.sockets[0].getsockname()[1]
        if udp:
            transport, _p = await self.loop.create_datagram_endpoint(
                lambda: _UDP(self), local_addr=(host, bound), family=socket.AF_INET,
                reuse_port=reuse_port,
            )  # fmt: skip
            self.udp = transport
        self.bound_port = bound
        log.info(
            "listening on %s:%s (TCP and UDP), at most %s connections, %s per address",
            host, self.bound_port, self.limits.max_connections, self.limits.per_address,
        )  # fmt: skip
        async with server:
            await server.serve_forever()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()


class _TCP(asyncio.Protocol):
    """One panel connection. It must complete a frame within `frame_seconds` of connecting
    and of the first byte after each frame, and may then stay silent `idle_seconds`: a
    client trickling bytes (noise included) holds its descriptor for seconds, not forever."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.splitter = sia.FrameSplitter()
        self.transport: asyncio.Transport | None = None
        self.address = ""
        self.admitted = False
        self.in_frame = True  # a frame is due: since connecting, or since a byte after one
        self.deadline = 0.0  # loop time by which that frame (or the next byte) must come
        self.trusted = False  # has sent a frame we accepted: never evicted for a newcomer

    def connection_made(self, transport) -> None:
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.address = str(peer[0]) if peer else ""
        receiver = self.receiver
        receiver.stats.connections += 1
        if not receiver._admit(self):
            transport.abort()
            return
        self.admitted = True
        self.deadline = receiver.loop.time() + receiver.limits.frame_seconds
        if receiver._paused:
            transport.pause_reading()

    def close(self) -> None:
        """Close now and stop counting it (its descriptor goes on the loop's next turn)."""
        if self.admitted:
            self.admitted = False
            self.receiver._release(self)
        self.transport.abort()  # abort: a client that stopped reading gets no say

    def send(self, data: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(data)

    def _answered(self, accepted: bool) -> None:
        """A whole frame arrived: the connection may now rest for the idle time."""
        self.trusted = self.trusted or accepted
        self.in_frame = False
        self.deadline = self.receiver.loop.time() + self.receiver.limits.idle_seconds

    def data_received(self, data: bytes) -> None:
        receiver = self.receiver
        if not self.in_frame:  # the first byte of a frame: its clock starts
            self.in_frame = True
            self.deadline = receiver.loop.time() + receiver.limits.frame_seconds
        if not self.splitter.buffer:
            message = sia.quick(data)
            if message is not None:
                try:
                    self._answered(receiver.handle_quick(message, self.send))
                except Exception:  # a bug must cost one NAK, never the receiver
                    log.exception("frame %r", data)
                    self.send(sia.nak(None))
                return
        handle, send = receiver.handle, self.send
        answered = accepted = False
        for raw in self.splitter.feed(data):
            # An LF in noise is not a frame: it buys no time.
            answered = answered or raw.body is not None or raw.error.reason != "header"
            try:
                accepted = handle(raw, send) or accepted
            except Exception:  # a bug must cost one NAK, never the receiver
                log.exception("frame %r", raw.body)
                send(sia.nak(None))
        if answered:
            self._answered(accepted)
            if self.splitter.buffer:  # the next frame has begun
                self.in_frame = True
                self.deadline = receiver.loop.time() + receiver.limits.frame_seconds
        if self.splitter.fatal:
            self.transport.close()

    def connection_lost(self, exc) -> None:
        if self.admitted:
            self.admitted = False
            self.receiver._release(self)


class _UDP(asyncio.DatagramProtocol):
    """One frame per datagram and at most one reply, none to a frame without a readable
    account, replies rate-limited per source address: the source of a datagram can be
    forged, and the receiver must not answer a forged one with a flood."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        receiver, transport = self.receiver, self.transport
        frames = [
            raw
            for raw in sia.FrameSplitter().feed(data)
            if raw.body is not None or raw.error.reason != "header"  # not an LF in noise
        ]
        if not frames:
            return
        if len(frames) > 1:
            receiver.stats.error("udp_extra_frames")

        def send(reply: bytes) -> None:
            if receiver._udp_reply_allowed(addr[0]):
                transport.sendto(reply, addr)

        try:
            receiver.handle(frames[0], send, anonymous_nak=False)
        except Exception:
            log.exception("frame %r", frames[0].body)


def run(host: str, port: int, *, name: str = "receiver", reuse_port: bool = False) -> None:
    if uvloop is not None:
        uvloop.install()
    descriptors = raise_descriptor_limit()
    log.info("open-file limit: %s", descriptors)
    stream = None
    if fanin.configured():
        stream = fanin.Publisher(fanin.StreamSettings.from_settings(), name)
    receiver = Receiver(name=name, stream=stream)
    try:
        asyncio.run(receiver.serve(host, port, reuse_port=reuse_port))
    finally:
        receiver.stop()
