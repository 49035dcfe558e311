"""A request body handed to a view while it arrives (kalantar.core.streaming)."""

from __future__ import annotations

import asyncio
import os
import platform
from concurrent.futures import ThreadPoolExecutor

import pytest

from kalantar.core import streaming


def _read_in_a_thread(data: bytes, read) -> bytes:
    """What `read(stream)` returns in a worker thread while the loop receives `data` in
    the 64 KB pieces a server hands on."""
    pieces = [data[i : i + 65536] for i in range(0, len(data), 65536)]

    async def receive() -> dict:
        piece = pieces.pop(0)
        return {"type": "http.request", "body": piece, "more_body": bool(pieces)}

    async def main() -> bytes:
        stream = streaming.BodyStream(receive, asyncio.get_running_loop())
        return await asyncio.to_thread(read, stream)

    # A loop of its own in a thread of its own: the browser tests' Playwright keeps a loop
    # running in the main thread for the whole session.
    with ThreadPoolExecutor(1) as server:
        return server.submit(asyncio.run, main()).result()


def test_reading_all_at_once_gets_a_body_larger_than_the_buffer():
    data = os.urandom(3 * streaming.HIGH_WATER + 5)
    assert _read_in_a_thread(data, lambda stream: stream.read()) == data


def test_reading_in_blocks_gets_every_byte_in_order():
    data = os.urandom(streaming.HIGH_WATER + 100_003)

    def in_blocks(stream) -> bytes:
        return b"".join(iter(lambda: stream.read(1000), b""))

    assert _read_in_a_thread(data, in_blocks) == data


def test_an_operators_own_malloc_settings_are_left_alone(monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    assert streaming.keep_heap_for_bodies() is False
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072")
    assert streaming.keep_heap_for_bodies() is False


@pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="the thresholds are glibc's own settings"
)
def test_glibc_takes_the_thresholds_that_keep_the_heap(monkeypatch):
    for name in ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    assert streaming.keep_heap_for_bodies() is True
