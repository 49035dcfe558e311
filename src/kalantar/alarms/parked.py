"""Parked alarm events: what the consumers could not store after ALARMS_NATS_MAX_DELIVER
deliveries sits on the dead-letter stream (fanin.StreamSettings.parked_stream) until someone
looks at it. This module reads that stream, replays a parked event onto the event stream and
drops one; the services audit each replay and drop, the selectors scope what a user sees.

A replay publishes the very bytes that were parked, with the same `Nats-Msg-Id` (the event's
dedup key): the consumer stores it through the same INSERT … ON CONFLICT on that key, so an
event already stored (a crash between storing and parking) is stored nothing twice. While the
event stream still remembers the key (its duplicate window), it suppresses the publish: the
event then stays parked and the replay says so, rather than be dropped unseen.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import nats
from nats.js.errors import NotFoundError

from kalantar.alarms import fanin, store

# Headers the consumer writes when it parks (fanin.Consumer._park) and a replay adds.
ERROR = "Kalantar-Error"
DELIVERIES = "Kalantar-Deliveries"
REPLAYS = "Kalantar-Replays"  # how many times this event was replayed before
LIST_LIMIT = 5000  # a page never reads more of the stream than this
CONNECT_SECONDS = 5.0

SUBSCRIBER = store.EVENT_COLUMNS.index("subscriber_id")
ACCOUNT = store.EVENT_COLUMNS.index("account")
CODE = store.EVENT_COLUMNS.index("code")
ZONE = store.EVENT_COLUMNS.index("zone")
RECEIVED = store.EVENT_COLUMNS.index("received_at")
DEDUP = store.EVENT_COLUMNS.index("dedup_key")


@dataclass
class Parked:
    """One parked message, decoded as far as it decodes."""

    seq: int
    key: str
    reason: str
    deliveries: int
    replays: int
    parked_at: datetime | None
    data: bytes
    row: tuple | None  # None: not an event at all (it cannot be replayed)

    @property
    def account(self) -> str:
        return self.row[ACCOUNT] if self.row else ""

    @property
    def subscriber_id(self) -> int | None:
        return self.row[SUBSCRIBER] if self.row else None

    @property
    def code(self) -> str:
        return self.row[CODE] if self.row else ""

    @property
    def zone(self) -> str:
        return self.row[ZONE] if self.row else ""

    @property
    def received_at(self) -> datetime | None:
        return self.row[RECEIVED] if self.row else None

    @property
    def replayable(self) -> bool:
        return self.row is not None


@dataclass(frozen=True)
class Outcome:
    """What a replay or drop did with one parked event."""

    seq: int
    key: str
    done: bool
    why: str = ""  # when not done: "missing", "not_an_event" or "remembered"


def parse(seq: int, data: bytes | None, headers: dict | None, at: datetime | None) -> Parked:
    headers = headers or {}
    data = data or b""
    try:
        row, _supervision = fanin.decode(data)
    except ValueError:
        row = None
    return Parked(
        seq=seq,
        # The event's own dedup key (what the receiver published it under); a re-parked
        # replay's header carries a suffix of its own (fanin.Consumer._park).
        key=row[DEDUP] if row else headers.get("Nats-Msg-Id", ""),
        reason=fanin.header_read(headers.get(ERROR, "")),
        deliveries=_int(headers.get(DELIVERIES)),
        replays=_int(headers.get(REPLAYS)),
        parked_at=at,
        data=data,
        row=row,
    )


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


async def _quiet(exc: Exception) -> None:
    """Connection errors surface as the exception `_open` raises, not as log noise."""


async def _open(cfg: fanin.StreamSettings):
    # Not fanin.connect, which tries for ever: a page or a command says NATS is down, at
    # once (the client itself would go through its servers for two minutes first).
    nc = await asyncio.wait_for(
        nats.connect(
            servers=cfg.servers,
            name="kalantar-parked",
            connect_timeout=2,
            allow_reconnect=False,
            error_cb=_quiet,
        ),
        timeout=CONNECT_SECONDS,
    )
    js = nc.jetstream(timeout=cfg.publish_seconds)
    await fanin.ensure_streams(js, cfg)
    return nc, js


async def _read(js, cfg: fanin.StreamSettings, seq: int) -> Parked | None:
    try:
        raw = await js.get_msg(cfg.parked_stream, seq)
    except NotFoundError:
        return None
    return parse(raw.seq, raw.data, raw.headers, raw.time)


async def _scan(js, cfg: fanin.StreamSettings, limit: int) -> list[Parked]:
    found: list[Parked] = []
    seq = 1
    while len(found) < limit:
        try:
            raw = await js.get_msg(cfg.parked_stream, seq, subject=cfg.parked_subject, next=True)
        except NotFoundError:
            break
        found.append(parse(raw.seq, raw.data, raw.headers, raw.time))
        seq = raw.seq + 1
    return found


async def _list(cfg: fanin.StreamSettings, limit: int) -> list[Parked]:
    nc, js = await _open(cfg)
    try:
        return await _scan(js, cfg, limit)
    finally:
        await nc.close()


async def _get(cfg: fanin.StreamSettings, seq: int) -> Parked | None:
    nc, js = await _open(cfg)
    try:
        return await _read(js, cfg, seq)
    finally:
        await nc.close()


async def _replay(cfg: fanin.StreamSettings, seqs: list[int] | None) -> list[Outcome]:
    nc, js = await _open(cfg)
    try:
        if seqs is None:  # every one parked
            seqs = [p.seq for p in await _scan(js, cfg, LIST_LIMIT)]
        return [await _replay_one(js, cfg, seq) for seq in seqs]
    finally:
        await nc.close()


async def _replay_one(js, cfg: fanin.StreamSettings, seq: int) -> Outcome:
    parked = await _read(js, cfg, seq)
    if parked is None:
        return Outcome(seq, "", False, "missing")
    if not parked.replayable:
        return Outcome(seq, parked.key, False, "not_an_event")
    headers = {"Nats-Msg-Id": parked.key, REPLAYS: str(parked.replays + 1)}
    ack = await js.publish(cfg.subject, parked.data, headers=headers)
    if ack.duplicate:
        return Outcome(seq, parked.key, False, "remembered")
    # Only once the event stream holds it again: a failure before leaves it parked, and
    # replaying it once more is suppressed by its key or stored nothing twice.
    await js.delete_msg(cfg.parked_stream, seq)
    return Outcome(seq, parked.key, True)


async def _drop(cfg: fanin.StreamSettings, seq: int) -> tuple[Outcome, Parked | None]:
    nc, js = await _open(cfg)
    try:
        parked = await _read(js, cfg, seq)
        if parked is None:
            return Outcome(seq, "", False, "missing"), None
        await js.delete_msg(cfg.parked_stream, seq)
        return Outcome(seq, parked.key, True), parked
    finally:
        await nc.close()


def _run(coro):
    """Run a NATS exchange from synchronous code (a view, a command, a service)."""
    return asyncio.run(coro)


def list_parked(cfg: fanin.StreamSettings | None = None, limit: int = LIST_LIMIT) -> list[Parked]:
    """The parked events, oldest first (at most `limit`)."""
    return _run(_list(cfg or fanin.StreamSettings.from_settings(), limit))


def get_parked(seq: int, cfg: fanin.StreamSettings | None = None) -> Parked | None:
    return _run(_get(cfg or fanin.StreamSettings.from_settings(), seq))


def replay(seqs: list[int] | None, cfg: fanin.StreamSettings | None = None) -> list[Outcome]:
    """Republish the parked events `seqs` (None: every one) onto the event stream."""
    return _run(_replay(cfg or fanin.StreamSettings.from_settings(), seqs))


def drop(seq: int, cfg: fanin.StreamSettings | None = None) -> tuple[Outcome, Parked | None]:
    """Delete one parked event for good."""
    return _run(_drop(cfg or fanin.StreamSettings.from_settings(), seq))
