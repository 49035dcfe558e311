"""Simulated alarm panels: real DC-09 frames over TCP, each panel waiting for its answer."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kalantar.alarms import sia

ALARM_FRAMES = (
    ("SIA-DCS", "Nri1/BA{zone}"),
    ("SIA-DCS", "Nri1/FA{zone}"),
    ("SIA-DCS", "Nri1/PA{zone}"),
    ("ADM-CID", "1130 01 {zone}"),
    ("ADM-CID", "1110 01 {zone}"),
    ("SIA-DCS", "Nri1/TA{zone}"),
)


@dataclass
class FleetStats:
    sent: int = 0
    acked: int = 0
    naked: int = 0
    failed: int = 0
    latencies: list[float] = field(default_factory=list)
    acked_keys: list[tuple[str, str, str]] = field(default_factory=list)  # (account, seq, ts)

    def merge_line(self) -> str:
        lat = sorted(self.latencies)
        p50 = lat[len(lat) // 2] * 1000 if lat else 0.0
        p99 = lat[int(len(lat) * 0.99)] * 1000 if lat else 0.0
        return (
            f"sent {self.sent}, acknowledged {self.acked}, NAK {self.naked}, "
            f"no answer {self.failed}; latency p50 {p50:.1f} ms, p99 {p99:.1f} ms"
        )


@dataclass
class SimPanel:
    account: str
    key: bytes | None = None
    seq: int = 0

    def next_seq(self) -> int:
        self.seq = self.seq % 9999 + 1
        return self.seq

    def frame(self, *, alarm: bool, rng: random.Random) -> tuple[bytes, str, str]:
        """(framed bytes, seq, timestamp text) — heartbeat (NULL) or an alarm."""
        now = datetime.now(UTC)
        seq = self.next_seq()
        if alarm:
            token, data = rng.choice(ALARM_FRAMES)
            data = data.format(zone=f"{rng.randint(1, 8):03d}")
        else:
            token, data = "NULL", ""
        body = sia.build(
            token=token, seq=seq, account=self.account, data=data, timestamp=now, key=self.key
        )
        return body, f"{seq:04d}", f"{now:%Y%m%d%H%M%S}"


@dataclass
class _Fleet:
    """What every panel of one run shares: where to send, how often, and the tally."""

    host: str
    ports: tuple[int, ...]
    interval: float
    alarm_share: float
    stop_at: float
    stats: FleetStats
    rng: random.Random
    keep: bool


async def _panel_loop(panel: SimPanel, fleet: _Fleet, first: int) -> None:
    """Send, wait for the answer, pause; on a lost connection, dial the next receiver (a
    fleet behind one address reaches any of them) until the run ends."""
    stats, rng, interval = fleet.stats, fleet.rng, fleet.interval
    turn = first
    await asyncio.sleep(rng.random() * interval)
    while time.monotonic() < fleet.stop_at:
        port = fleet.ports[turn % len(fleet.ports)]
        turn += 1
        try:
            reader, writer = await asyncio.open_connection(fleet.host, port)
        except OSError:
            stats.failed += 1
            await asyncio.sleep(0.2)
            continue
        try:
            await _exchange(panel, fleet, reader, writer)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            stats.failed += 1
        finally:
            writer.close()


async def _exchange(panel: SimPanel, fleet: _Fleet, reader, writer) -> None:
    stats, rng, interval = fleet.stats, fleet.rng, fleet.interval
    while time.monotonic() < fleet.stop_at:
        data, seq, ts = panel.frame(alarm=rng.random() < fleet.alarm_share, rng=rng)
        started = time.perf_counter()
        writer.write(data)
        stats.sent += 1
        reply = await asyncio.wait_for(reader.readuntil(b"\r"), timeout=10)
        stats.latencies.append(time.perf_counter() - started)
        if b'ACK"' in reply:
            stats.acked += 1
            if fleet.keep:
                stats.acked_keys.append((panel.account, seq, ts))
        else:
            stats.naked += 1
        await asyncio.sleep(max(0.0, interval * (0.5 + rng.random())))


async def run_fleet(
    host: str,
    port: int | Sequence[int],
    panels: list[SimPanel],
    *,
    rate: float,
    duration: float,
    alarm_share: float = 0.01,
    seed: int = 1,
    keep_keys: bool = False,
) -> FleetStats:
    """Every panel on its own connection; together about `rate` messages per second. Given
    several ports, the panels spread over them and move on when one stops answering."""
    fleet = _Fleet(
        host=host,
        ports=(port,) if isinstance(port, int) else tuple(port),
        interval=len(panels) / rate if rate > 0 else 0.0,
        alarm_share=alarm_share,
        stop_at=time.monotonic() + duration,
        stats=FleetStats(),
        rng=random.Random(seed),
        keep=keep_keys,
    )
    await asyncio.gather(*(_panel_loop(p, fleet, i) for i, p in enumerate(panels)))
    return fleet.stats


async def wait_for_port(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _r, writer = await asyncio.open_connection(host, port)
            writer.close()
            return True
        except OSError:
            await asyncio.sleep(0.5)
    return False
