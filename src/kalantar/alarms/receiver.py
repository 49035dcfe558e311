"""The SIA DC-09 receiver: asyncio TCP and UDP front, one database thread behind it.

The event loop frames, checks and parses; accepted events wait in `pending`. The database
thread takes everything pending, stores it in one transaction (group commit) and only
then hands the ACKs back to the loop. Errors answer NAK at once; nothing unstored is ACKed.
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import close_old_connections, connection

from kalantar.alarms import codes, sia, store

log = logging.getLogger("kalantar.alarms.receiver")

IDLE_SECONDS = 120  # a connection silent this long is closed (slow or stuck clients)
MAX_PENDING = 50_000  # stop reading from sockets while this many events await commit
PANEL_REFRESH_SECONDS = 5.0
LOST_REFRESH_SECONDS = 1.0
HEARTBEAT_SECONDS = 5.0
# Turn stored alarm events into alarms at most this often: one ORM pass for many events,
# well within the second an alarm may take to reach the console.
PROCESS_EVERY_SECONDS = 0.1
PROCESS_LIMIT = 5000
CHECKPOINT_SECONDS = 1.0

_QUICK = sia.QUICK.fullmatch


def window() -> tuple[int, int]:
    """(seconds a panel may be ahead, seconds behind) of the receiver's clock."""
    return (
        getattr(settings, "ALARMS_TIME_AHEAD_SECONDS", 20),
        getattr(settings, "ALARMS_TIME_BEHIND_SECONDS", 40),
    )


@dataclass
class Stats:
    acked: int = 0
    duplicates_acked: int = 0
    naks: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    connections: int = 0

    def error(self, reason: str) -> None:
        self.errors[reason] = self.errors.get(reason, 0) + 1


class Receiver:
    def __init__(self, *, name: str = "receiver", now: Callable[[], float] = time.time) -> None:
        self.name = name
        self.now = now
        self.panels = {}
        self.lost: set[int] = set()
        self.pending: list[tuple[tuple, bytes, Callable[[bytes], None]]] = []
        self.seen: dict[int, tuple[int, int]] = {}
        self.stats = Stats()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._transports: set[asyncio.BaseTransport] = set()
        self._paused = False
        self._unprocessed = False
        self.ahead, self.behind = window()
        self.ready = threading.Event()
        self.idle = threading.Event()  # set while the database thread has nothing in hand

    @property
    def panels(self) -> dict[str, store.Panel]:
        return self._panels

    @panels.setter
    def panels(self, panels: dict[str, store.Panel]) -> None:
        self._panels = panels
        # Panels without a key, by account as bytes: the ones `quick` may answer.
        self._plain = {k.encode(): p for k, p in panels.items() if p.key is None}

    # --- loop side --------------------------------------------------------------------

    def quick(self, m: re.Match, send: Callable[[bytes], None]) -> bool:
        """Answer or queue one `sia.QUICK` frame as `handle` would; False leaves it to `handle`
        (a failed check, or an account we do not accept plain). Most of a centre's traffic
        is this shape, and the general parser costs several times as much."""
        crc, length, body, token, address, account, block = m.groups()
        if (
            len(body) > sia.MAX_BODY
            or int(length, 16) != len(body)
            or sia.crc16_arc(body) != int(crc, 16)
        ):
            return False  # the general path refuses it, or names what is wrong
        panel = self._plain.get(account)
        if panel is None or not block.isascii():
            return False
        now = self.now()
        received = datetime.fromtimestamp(now, UTC)
        data = block.split(b"|", 1)[1] if b"|" in block else block
        seq = address[:4].decode()
        if token == b"NULL":
            acct = account.decode()
            dedup = f"{acct}|{seq}|d{int(now) // 86400}|NULL|{zlib.crc32(data):X}"
            row = (
                panel.subscriber_id, acct, "NULL", False, seq, "", "", "", "", codes.HEARTBEAT,
                codes.LOG_PRIORITY, True, None, received, dedup, data[:300].decode(), True,
            )  # fmt: skip
        else:
            message = sia.Message(token.decode(), False, seq, None, "", account.decode(),
                                  data.decode())  # fmt: skip
            row = self._row(message, panel, received, now)
        self._queue(row, sia.frame(b'"ACK"%s[]' % address), send, panel, now)
        return True

    def handle(self, raw: sia.RawFrame, send: Callable[[bytes], None]) -> None:
        """Answer or queue one frame (runs in the event loop)."""
        if raw.body is None:
            reason = raw.error.reason if raw.error else "frame"
            self.stats.error(reason)
            if reason == "header":
                return  # an LF in noise, not a frame: nothing to answer
            self.stats.naks += 1
            send(sia.nak(None, self._now_dt()))
            return
        head = sia.head(raw.body)
        if head is None:
            try:
                sia.parse(raw.body)
            except sia.FrameError as exc:
                self.stats.error(exc.reason)
            self.stats.naks += 1
            send(sia.nak(None, self._now_dt()))
            return
        panel = self.panels.get(head.account.upper())
        if panel is None:
            return self._nak(head, send, "account")
        if panel.key is not None and not head.encrypted:
            return self._nak(head, send, "plain")  # a keyed panel must encrypt: no spoofing
        try:
            message = sia.parse(raw.body, panel.key)
        except sia.FrameError as exc:
            return self._nak(head, send, exc.reason)
        now = self.now()
        if message.timestamp is not None:
            drift = message.timestamp.timestamp() - panel.clock_offset_seconds - now
            if drift > self.ahead or drift < -self.behind:
                return self._nak(head, send, "timestamp")
        received = datetime.fromtimestamp(now, UTC)
        row = self._row(message, panel, received, now)
        self._queue(row, sia.ack(message, panel.key, received), send, panel, now)

    def _queue(self, row: tuple, reply: bytes, send, panel: store.Panel, now: float) -> None:
        """Hold the ACK until the database thread has committed the row."""
        pending = self.pending
        pending.append((row, reply, send))
        self.seen[panel.subscriber_id] = (int(now), panel.supervision_seconds)
        if len(pending) == 1:
            self._wake.set()
        if len(pending) >= MAX_PENDING and not self._paused:
            self._pause(True)

    def _nak(self, head: sia.Message, send, reason: str) -> None:
        self.stats.error(reason)
        self.stats.naks += 1
        send(sia.nak(head, self._now_dt()))

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
            data[:300], processed,
        )  # fmt: skip

    def _pause(self, pause: bool) -> None:
        self._paused = pause
        for transport in list(self._transports):
            if isinstance(transport, asyncio.Transport) and not transport.is_closing():
                (transport.pause_reading if pause else transport.resume_reading)()

    def _deliver(self, replies: list[tuple[bytes, Callable[[bytes], None]]], dup: int) -> None:
        for reply, send in replies:
            send(reply)
        self.stats.acked += len(replies)
        self.stats.duplicates_acked += dup
        if self._paused and len(self.pending) < MAX_PENDING // 2:
            self._pause(False)

    # --- database side ----------------------------------------------------------------

    def _db_thread(self) -> None:
        from kalantar.alarms import services

        writer = store.EventWriter()
        writer.prepare_connection()
        services.mark_receiver_started(name=self.name)
        # Events left over from a crash before processing: the loop drains them all.
        self._unprocessed = True
        self.panels = store.load_panels()
        stamp = store.panels_stamp()
        self.lost = store.lost_subscribers()
        self.ready.set()
        next_panels = next_lost = next_beat = next_process = time.monotonic()
        while not self._stopping.is_set():
            wait = 0.5
            if self._unprocessed:
                wait = max(0.0, min(wait, next_process - time.monotonic()))
            self._wake.wait(timeout=wait)
            self._wake.clear()
            self.idle.clear()
            batch, self.pending = self.pending, []
            seen, self.seen = self.seen, {}
            try:
                if batch:
                    self._commit(writer, batch, seen)
                mono = time.monotonic()
                if self._unprocessed and mono >= next_process:
                    done = services.process_pending_events(limit=PROCESS_LIMIT)
                    self._unprocessed = done >= PROCESS_LIMIT
                    next_process = mono + PROCESS_EVERY_SECONDS
                if mono >= next_beat:
                    services.touch_receiver(name=self.name)
                    next_beat = mono + HEARTBEAT_SECONDS
                if mono >= next_panels:
                    new_stamp = store.panels_stamp()
                    if new_stamp != stamp:
                        self.panels, stamp = store.load_panels(), new_stamp
                    next_panels = mono + PANEL_REFRESH_SECONDS
                if mono >= next_lost:
                    self.lost = store.lost_subscribers()
                    next_lost = mono + LOST_REFRESH_SECONDS
            except Exception:
                log.exception("database thread: will retry")
                self._unprocessed = True
                close_old_connections()
                time.sleep(0.5)
            if not self.pending and not self._unprocessed:
                self.idle.set()
        connection.close()  # stopped: leave no session behind

    def _commit(self, writer: store.EventWriter, batch, seen) -> None:
        from kalantar.alarms import services

        rows = [item[0] for item in batch]
        try:
            writer.store(rows, seen)
        except Exception:
            # Not stored, so not acknowledged: the panels retransmit. Put the batch back.
            self.pending[:0] = batch
            raise
        replies = [(reply, send) for _row, reply, send in batch]
        self.loop.call_soon_threadsafe(self._deliver, replies, 0)
        if not all(row[-1] for row in rows):
            self._unprocessed = True  # alarms to open: the loop above does it shortly
        back = self.lost.intersection(seen)
        if back:
            services.restore_communication(back)
            self.lost -= back

    # --- serving ----------------------------------------------------------------------

    def _checkpoint_thread(self) -> None:
        while not self._stopping.wait(CHECKPOINT_SECONDS):
            try:
                store.checkpoint_wal()
            except Exception:
                log.exception("checkpoint: will retry")
                close_old_connections()
        connection.close()

    async def serve(self, host: str, port: int, *, udp: bool = True) -> None:
        self.loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._db_thread, name="alarm-db", daemon=True)
        self._thread.start()
        if connection.vendor == "sqlite" and not connection.is_in_memory_db():
            threading.Thread(target=self._checkpoint_thread, name="alarm-wal", daemon=True).start()
        while not self.ready.is_set():
            await asyncio.sleep(0.02)
        server = await self.loop.create_server(
            lambda: _TCP(self), host, port, reuse_address=True, backlog=1024
        )
        self.servers = [server]
        bound = server.sockets[0].getsockname()[1]
        if udp:
            transport, _p = await self.loop.create_datagram_endpoint(
                lambda: _UDP(self), local_addr=(host, bound), family=socket.AF_INET
            )
            self.udp = transport
        self.bound_port = bound
        log.info("listening on %s:%s (TCP and UDP)", host, self.bound_port)
        async with server:
            await server.serve_forever()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()


class _TCP(asyncio.Protocol):
    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        self.splitter = sia.FrameSplitter()
        self.transport: asyncio.Transport | None = None
        self.last = time.monotonic()
        self.idle: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.receiver._transports.add(transport)
        self.receiver.stats.connections += 1
        if self.receiver._paused:
            transport.pause_reading()
        self._arm()

    def _arm(self) -> None:
        self.idle = self.receiver.loop.call_later(IDLE_SECONDS, self._check_idle)

    def _check_idle(self) -> None:
        if time.monotonic() - self.last >= IDLE_SECONDS:
            self.transport.close()
        else:
            self._arm()

    def send(self, data: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(data)

    def data_received(self, data: bytes) -> None:
        self.last = time.monotonic()
        if not self.splitter.buffer:
            m = _QUICK(data)
            try:
                if m is not None and self.receiver.quick(m, self.send):
                    return
            except Exception:  # a bug must cost one NAK, never the receiver
                log.exception("frame %r", data)
                self.send(sia.nak(None))
                return
        handle, send = self.receiver.handle, self.send
        for raw in self.splitter.feed(data):
            try:
                handle(raw, send)
            except Exception:  # a bug must cost one NAK, never the receiver
                log.exception("frame %r", raw.body)
                send(sia.nak(None))
        if self.splitter.fatal:
            self.transport.close()

    def connection_lost(self, exc) -> None:
        self.receiver._transports.discard(self.transport)
        if self.idle is not None:
            self.idle.cancel()


class _UDP(asyncio.DatagramProtocol):
    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        transport = self.transport

        def send(reply: bytes) -> None:
            transport.sendto(reply, addr)

        for raw in sia.FrameSplitter().feed(data):
            try:
                self.receiver.handle(raw, send)
            except Exception:
                log.exception("frame %r", raw.body)
                send(sia.nak(None))


def run(host: str, port: int, *, name: str = "receiver") -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        pass
    receiver = Receiver(name=name)
    try:
        asyncio.run(receiver.serve(host, port))
    finally:
        receiver.stop()
