"""Alarm-centre fixtures: subscribers in the two-station tree and a live receiver."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest

from kalantar.alarms import receiver as receiver_module
from kalantar.alarms import sia, store
from kalantar.alarms.services import SubscriberInput, create_subscriber

KEY = "0123456789abcdef"
# Points inside HM01K01 (48.5–48.6, 34.8–34.9) and HM02K01 (48.8–48.9, 34.2–34.3).
IN_K01 = (48.55, 34.85)
IN_HM02 = (48.85, 34.25)


@pytest.fixture
def make_subscriber(org_tree):
    def make(account: str, *, where=IN_K01, key: str = "", name: str = "", **extra):
        data = SubscriberInput(
            name=name or f"فروشگاه {account}",
            kind=extra.pop("kind", "shop"),
            lon=where[0],
            lat=where[1],
            accounts=[account],
            phone="08138200000",
            key=key,
            passcode=extra.pop("passcode", "1234"),
            keyholders=extra.pop("keyholders", [("علی رضایی", "09121234567")]),
            **extra,
        )
        return create_subscriber(by=None, data=data)

    return make


class LiveReceiver:
    def __init__(self) -> None:
        self.receiver = receiver_module.Receiver(name="test")
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.port = 0

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self.receiver.serve("127.0.0.1", 0))
        except asyncio.CancelledError:
            pass

    def start(self) -> LiveReceiver:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not hasattr(self.receiver, "bound_port"):
            assert time.monotonic() < deadline, "receiver did not start"
            time.sleep(0.02)
        self.port = self.receiver.bound_port
        return self

    def refresh_panels(self) -> None:
        """Pick up subscribers created after the start (the receiver polls every 5 s)."""
        done = threading.Event()

        def load():
            self.receiver.panels = store.load_panels()
            done.set()

        threading.Thread(target=load).start()
        done.wait(10)

    def stop(self) -> None:
        self.receiver.stop()

        def shutdown():
            for server in getattr(self.receiver, "servers", []):
                server.close()
            for task in asyncio.all_tasks(self.loop):
                task.cancel()

        self.loop.call_soon_threadsafe(shutdown)
        self.thread.join(10)
        self.receiver._thread.join(10)

    def settle(self, timeout: float = 10) -> None:
        """Wait until the receiver has stored and processed everything it was sent.

        (The in-memory SQLite of the tests locks whole tables between threads.)"""
        deadline = time.monotonic() + timeout
        time.sleep(0.01)
        while self.receiver.pending or not self.receiver.idle.is_set():
            assert time.monotonic() < deadline, "receiver did not settle"
            time.sleep(0.01)

    def exchange(self, data: bytes, replies: int = 1, *, chunks=None, timeout=10) -> list[bytes]:
        """Send over one TCP connection; return the reply bodies (frames decoded)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            for chunk in chunks or [data]:
                sock.sendall(chunk)
                if chunks:
                    time.sleep(0.05)
            bodies = read_replies(sock, replies)
        self.settle()
        return bodies

    def udp(self, data: bytes, timeout=10) -> bytes:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(timeout)
            sock.sendto(data, ("127.0.0.1", self.port))
            reply, _addr = sock.recvfrom(2048)
        self.settle()
        [raw] = sia.FrameSplitter().feed(reply)
        return raw.body


def read_replies(sock: socket.socket, count: int) -> list[bytes]:
    splitter, bodies = sia.FrameSplitter(), []
    while len(bodies) < count:
        data = sock.recv(4096)
        if not data:
            break
        for raw in splitter.feed(data):
            assert raw.error is None, raw.error
            bodies.append(raw.body)
    return bodies


@pytest.fixture
def live_receiver(transactional_db, org_tree):
    live = LiveReceiver()
    yield live
    if live.thread.is_alive():
        live.stop()
