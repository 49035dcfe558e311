"""The receiver under slow and idle clients, and UDP with forged sources: real sockets on
loopback against a receiver started in the test."""

from __future__ import annotations

import json
import resource
import socket
import subprocess
import sys
import time

import pytest
from django.db.models import Q

from kalantar.alarms import sia
from kalantar.alarms.models import ReceiverStatus
from tests.alarms.conftest import read_replies

# Opens PER_ADDRESS connections from each source address given, trickles one byte of noise
# on each every second, opens a new one whenever the receiver closes one, and prints what it
# saw when its time is up.
FLOOD = r"""
import asyncio, json, resource, sys
port, seconds, per_address = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
sources = sys.argv[4:]
resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE)[1:] * 2)
seen = {"opened": 0, "closed_by_receiver": 0, "failed": 0, "open": 0, "most_open": 0}

async def client(source, stop):
    while asyncio.get_running_loop().time() < stop:
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, local_addr=(source, 0))
        except OSError:
            seen["failed"] += 1
            await asyncio.sleep(0.2)
            continue
        seen["opened"] += 1
        seen["open"] += 1
        seen["most_open"] = max(seen["most_open"], seen["open"])
        try:
            while asyncio.get_running_loop().time() < stop:
                writer.write(b"x")
                await writer.drain()
                try:
                    if await asyncio.wait_for(reader.read(100), 1.0) == b"":
                        seen["closed_by_receiver"] += 1
                        break
                except asyncio.TimeoutError:
                    pass
        except OSError:
            seen["closed_by_receiver"] += 1
        finally:
            seen["open"] -= 1
            writer.close()
        await asyncio.sleep(0.05)

async def main():
    stop = asyncio.get_running_loop().time() + seconds
    await asyncio.gather(*(client(s, stop) for s in sources for _ in range(per_address)))

asyncio.run(main())
print(json.dumps(seen))
"""

PANEL_ADDRESS = "127.0.0.2"
FLOOD_ADDRESSES = [f"127.0.0.{n}" for n in range(10, 16)]  # 6 × 200 = 1,200 connections


@pytest.fixture
def descriptors_1024():
    """The common default soft limit of open files, for this process (the receiver's)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def send_from(address: str, port: int, frame: bytes, timeout: float = 10) -> list[bytes]:
    with socket.socket() as sock:
        sock.settimeout(timeout)
        sock.bind((address, 0))
        sock.connect(("127.0.0.1", port))
        sock.sendall(frame)
        return read_replies(sock, 1)


def test_slow_client_flood_leaves_panels_served(
    live_receiver, make_subscriber, descriptors_1024, settings, client, django_user_model
):
    settings.ALARMS_FRAME_SECONDS = 2.0
    make_subscriber("1234")
    rx = live_receiver.start()
    limits = rx.receiver.limits
    assert limits.max_connections <= 768  # 3/4 of the 1,024 descriptors
    flood = subprocess.Popen(
        [sys.executable, "-c", FLOOD, str(rx.port), "12", "200", *FLOOD_ADDRESSES],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(5)  # the flood at full strength: every slot taken or being retaken
        held = len(rx.receiver._connections)
        started = time.monotonic()
        replies = send_from(PANEL_ADDRESS, rx.port, sia.build(token="NULL", seq=1, account="1234"))
        served_in = time.monotonic() - started
        stats = rx.receiver.stats
        figures = {
            "connections held": held,
            "refused or evicted": stats.refused + stats.evicted,
            "frames timed out": stats.timed_out,
            "panel served in s": round(served_in, 3),
        }
    finally:
        out, _err = flood.communicate(timeout=60)
    print("flood:", out.strip(), "receiver:", json.dumps(figures))
    assert replies == [b'"ACK"0001R0L0#1234[]']
    assert held <= limits.max_connections
    # The flood's connections were refused, made room for newcomers or timed out (which of
    # these depends on how fast the flood reconnects).
    assert stats.refused + stats.evicted + stats.timed_out > 0
    assert json.loads(out)["closed_by_receiver"] > 0

    # The console says the limits bit (from the receiver's heartbeat).
    deadline = time.monotonic() + 10
    limited = ReceiverStatus.objects.filter(Q(refused__gt=0) | Q(timed_out__gt=0))
    while time.monotonic() < deadline and not limited.exists():
        time.sleep(0.2)
    status = ReceiverStatus.objects.get()
    assert status.refused + status.timed_out > 0 and status.limited_at is not None
    operator = django_user_model.objects.create_user("op", password="x", is_superuser=True)
    client.force_login(operator)
    page = client.get("/alarms/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert 'id="receiver-limits"' in page


def test_connections_per_address_are_capped(live_receiver, make_subscriber, settings):
    settings.ALARMS_MAX_CONNECTIONS_PER_ADDRESS = 5
    make_subscriber("1234")
    rx = live_receiver.start()
    held = []
    try:
        for _ in range(8):
            sock = socket.socket()
            sock.settimeout(5)
            sock.bind(("127.0.0.3", 0))
            sock.connect(("127.0.0.1", rx.port))
            held.append(sock)
        time.sleep(0.5)
        closed = 0
        for sock in held:
            sock.settimeout(0.2)
            try:
                closed += sock.recv(10) == b""
            except TimeoutError:
                pass
            except ConnectionResetError:
                closed += 1
        assert closed == 3  # the sixth, seventh and eighth
        # Another address is not affected.
        reply = send_from(PANEL_ADDRESS, rx.port, sia.build(token="NULL", seq=2, account="1234"))
        assert reply == [b'"ACK"0002R0L0#1234[]']
    finally:
        for sock in held:
            sock.close()


def test_noise_trickle_is_closed_by_the_frame_deadline(live_receiver, make_subscriber, settings):
    settings.ALARMS_FRAME_SECONDS = 1.0
    make_subscriber("1234")
    rx = live_receiver.start()
    with socket.create_connection(("127.0.0.1", rx.port), timeout=5) as sock:
        started = time.monotonic()
        closed = False
        while not closed and time.monotonic() - started < 5:
            try:
                sock.sendall(b"x")  # every byte used to restart the 120 s idle timer
                sock.settimeout(0.3)
                closed = sock.recv(10) == b""
            except TimeoutError:
                pass
            except (ConnectionResetError, BrokenPipeError):
                closed = True
        assert closed and time.monotonic() - started < 3
    assert rx.receiver.stats.timed_out == 1


def test_a_panel_keeps_its_connection_between_frames(live_receiver, make_subscriber, settings):
    settings.ALARMS_FRAME_SECONDS = 1.0
    make_subscriber("1234")
    rx = live_receiver.start()
    with socket.create_connection(("127.0.0.1", rx.port), timeout=5) as sock:
        for seq in (1, 2):
            frame = sia.build(token="NULL", seq=seq, account="1234")
            sock.sendall(frame[:10])  # a frame in two pieces, well within its deadline
            time.sleep(0.3)
            sock.sendall(frame[10:])
            assert read_replies(sock, 1) == [b'"ACK"%04dR0L0#1234[]' % seq]
            time.sleep(1.5)  # silent between frames: longer than the frame deadline
    assert rx.receiver.stats.timed_out == 0


# --- UDP ----------------------------------------------------------------------------------


def udp_replies(port: int, datagrams: list[bytes], wait: float = 1.0) -> list[bytes]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(wait)
        for data in datagrams:
            sock.sendto(data, ("127.0.0.1", port))
        replies = []
        try:
            while True:
                replies.append(sock.recvfrom(4096)[0])
        except TimeoutError:
            return replies


def test_udp_datagram_of_garbage_frames_gets_no_reply(live_receiver, make_subscriber):
    make_subscriber("1234")
    rx = live_receiver.start()
    garbage = sia.frame(b"x")  # a well-framed body without a readable account
    datagram = garbage * (1470 // len(garbage))
    assert udp_replies(rx.port, [datagram]) == []  # 147 NAKs before


def test_udp_one_reply_per_datagram(live_receiver, make_subscriber):
    make_subscriber("1234")
    rx = live_receiver.start()
    unknown = b"".join(sia.build(token="NULL", seq=n, account="FFF9") for n in range(1, 20))
    replies = udp_replies(rx.port, [unknown])
    assert len(replies) == 1 and b'"NAK"0001R0L0#FFF9[]' in replies[0]


def test_udp_replies_are_rate_limited_per_address(live_receiver, make_subscriber, settings):
    settings.ALARMS_UDP_REPLIES_PER_SECOND = 5
    make_subscriber("1234")
    rx = live_receiver.start()
    datagrams = [sia.build(token="NULL", seq=n, account="FFF9") for n in range(1, 41)]
    replies = udp_replies(rx.port, datagrams)
    assert 10 <= len(replies) <= 15  # the burst (twice the rate), and what refilled meanwhile
    assert rx.receiver.stats.replies_dropped == 40 - len(replies)


def test_udp_panel_still_acknowledged(live_receiver, make_subscriber):
    make_subscriber("1234")
    rx = live_receiver.start()
    reply = rx.udp(sia.build(token="NULL", seq=7, account="1234"))
    assert reply == b'"ACK"0007R0L0#1234[]'
