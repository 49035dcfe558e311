"""Request bodies handed to the view while they arrive, for the views that ask for it.

Django's ASGI handler reads a whole request body into a temporary file before any view
runs, so a 2 GB evidence upload is written to disk twice, and only then hashed and stored.
A view marked with `streams_body` reads its body from the connection instead, as the bytes
come. Everything else is Django's own: the same middleware (session, second factor, CSRF,
locale…), the same view, the same responses; only where `request.read()` takes its bytes
from differs. Requests for other views are handled exactly as Django handles them.

No package does this for Django (its handler has no streaming mode), hence this module; it
keeps to Django's own extension points, `ASGIHandler.handle` and `read_body`.
"""

from __future__ import annotations

import asyncio
import ctypes
import io
import os
import threading
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any

from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.urls import Resolver404, resolve

# What may wait in memory ahead of the view before the connection is left unread (the
# client then waits too): the memory an upload costs, whatever its size.
HIGH_WATER = 8 * 1024 * 1024
LOW_WATER = HIGH_WATER // 2  # the connection is read again below this: one wake-up per 4 MB
# A client silent this long is taken as gone (a connection dropped without a word, as a
# phone changing networks leaves it): the view ends with what came, and the upload can be
# resumed from a new connection instead of waiting behind the dead one.
IDLE_SECONDS = 60.0

Receive = Callable[[], Awaitable[dict[str, Any]]]

# glibc's mallopt parameters, and the size above which it maps a block on its own: above
# the pieces a server hands on (uvicorn: up to its 256 KB reads, plus what waits unread).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_OWN_MAPPING_ABOVE = 1024 * 1024
_OPERATORS_SETTINGS = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_")


def keep_heap_for_bodies() -> bool:
    """Stop the C heap shrinking and growing again with every few pieces of a streamed body.

    The server allocates each piece it receives, and the pieces waiting for the view come
    and go up to HIGH_WATER bytes at a time. glibc gives the top of its heap back to the
    system as soon as twice its mmap threshold (adjusted to about the pieces' size) lies
    free there, and takes it again for the next pieces: every byte received then lands in
    fresh pages the kernel faults in and zeroes, a third of the server's CPU time during an
    upload (bench/evidence.py). A trim threshold above what the buffer holds keeps those
    pages; the mmap threshold, which setting it stops glibc adjusting, is fixed above the
    pieces' size. An operator's own malloc settings win. Returns whether they were taken
    (only glibc has them)."""
    if "malloc" in os.environ.get("GLIBC_TUNABLES", "") or any(
        name in os.environ for name in _OPERATORS_SETTINGS
    ):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # not a C library with mallopt
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, _OWN_MAPPING_ABOVE)) and bool(
        mallopt(_M_TRIM_THRESHOLD, 2 * HIGH_WATER)
    )


def streams_body(view: Callable) -> Callable:
    """Mark a view as reading its request body as it arrives (see the module's notes). The
    view must read it through `request.read()` from its own thread (a sync view)."""
    view.streams_body = True
    return view


class BodyStream(io.RawIOBase):
    """A request body read from a worker thread while the event loop receives it.

    The loop side pulls messages from the ASGI `receive` into a bounded buffer, starting
    only when the view first reads (a refused request never draws its body); the view's
    thread takes bytes from the buffer. A client that goes away ends the body early: the
    view sees the end of the stream and keeps what arrived, as a resumable upload should.
    """

    def __init__(self, receive: Receive, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._receive, self._loop = receive, loop
        self._ready = threading.Condition()
        self._pieces: deque[bytes] = deque()
        self._buffered = 0
        self._ended = False
        self.aborted = False  # the client went away before the body's end
        self._room = asyncio.Event()
        self._room.set()
        self._finished = asyncio.Event()
        self._pump: Future | None = None

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        """Bytes as they came, at most `size` of them (fewer when fewer are waiting); the
        pieces the server received are handed on whole when they fit, without a copy."""
        if size is None or size < 0:  # all of it: drained as it comes, or the pump stalls
            return b"".join(iter(lambda: self.read(HIGH_WATER), b""))
        self._start()
        with self._ready:
            while not self._ended and not self._pieces:
                self._ready.wait()
            if not self._pieces:
                chunk = b""
            elif len(self._pieces[0]) <= size:
                chunk = self._pieces.popleft()
            else:
                first = self._pieces[0]
                chunk, self._pieces[0] = first[:size], first[size:]
            self._buffered -= len(chunk)
            if self._buffered < LOW_WATER and not self._room.is_set():
                self._loop.call_soon_threadsafe(self._make_room)
        return chunk

    def readinto(self, target) -> int:
        chunk = self.read(len(target))
        target[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
        super().close()

    def _start(self) -> None:
        if self._pump is not None:
            return
        try:
            on_loop = asyncio.get_running_loop() is self._loop
        except RuntimeError:
            on_loop = False
        if on_loop:  # it would wait for the loop it blocks
            raise RuntimeError("a streamed body is read from the view's thread")
        self._pump = asyncio.run_coroutine_threadsafe(self._fill(), self._loop)

    def _make_room(self) -> None:
        with self._ready:
            if self._buffered < LOW_WATER:
                self._room.set()

    async def _fill(self) -> None:
        try:
            while True:
                await self._room.wait()
                try:
                    async with asyncio.timeout(IDLE_SECONDS):  # no task per message
                        message = await self._receive()
                except TimeoutError:
                    message = {"type": "http.disconnect"}
                with self._ready:
                    if message["type"] == "http.disconnect":
                        self.aborted = self._ended = True
                    else:
                        piece = message.get("body", b"")
                        if piece:
                            self._pieces.append(piece)
                            self._buffered += len(piece)
                        self._ended = not message.get("more_body", False)
                    if self._buffered >= HIGH_WATER:
                        self._room.clear()
                    self._ready.notify_all()
                if self._ended:
                    return
        finally:
            with self._ready:
                self._ended = True
                self._ready.notify_all()
            self._finished.set()

    async def receive_after_body(self) -> dict[str, Any]:
        """What Django's handler listens to for a disconnect while the view runs: nothing
        until the body has been read, then the connection's own messages. A client gone
        mid-body is not reported, so that the view finishes with the bytes that came."""
        await self._finished.wait()
        if self.aborted:
            await asyncio.Future()  # never done: Django cancels it when the view answers
        return await self._receive()


def _streams(scope: dict[str, Any]) -> bool:
    prefix = get_script_prefix(scope)
    path = scope["path"].removeprefix(prefix) if prefix else scope["path"]
    try:
        view = resolve(path).func
    except Resolver404:
        return False
    return getattr(view, "streams_body", False)


class StreamingASGIHandler(ASGIHandler):
    """Django's ASGI handler, streaming the bodies of the views marked `streams_body`."""

    async def handle(self, scope, receive, send) -> None:
        if _streams(scope):
            receive = BodyStream(receive, asyncio.get_running_loop()).receive_after_body
        await super().handle(scope, receive, send)

    async def read_body(self, receive):
        body = getattr(receive, "__self__", None)
        if isinstance(body, BodyStream):
            return body
        return await super().read_body(receive)
