"""The write-once store of originals: content-addressed files under one folder, plus the
partial files of uploads still arriving. Plain file work, no Django: the services pass the
folder (settings.EVIDENCE_DIR).

An original lives at `originals/<sha256[:2]>/<sha256>`, read-only once written; the same
bytes arriving twice are kept once. A partial upload is appended to in place, under an
exclusive lock, so two requests for one upload cannot interleave.

Arriving bytes are written with direct I/O where the filesystem offers it: they go from one
reused buffer to the disk, not through the page cache. A 2 GB recording would otherwise
fill the cache with pages nobody reads soon (pushing out the database's), cost a copy per
byte into fresh cache pages, and leave the whole file to be written out by the `fsync`
that ends a request: seconds during which the client hears nothing. Where direct I/O is
refused (tmpfs, some network filesystems) the same bytes are written through the cache.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import mmap
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

BLOCK = 1024 * 1024
# Bytes written to disk at a time: large enough that a write costs little per byte, small
# enough to stay a modest share of the memory an upload may cost.
WRITE_BLOCK = 4 * 1024 * 1024
# What direct I/O asks of file offsets, lengths and memory: the page size covers the block
# sizes of the disks and filesystems in use (512 or 4096 bytes).
ALIGN = mmap.PAGESIZE
READ_ONLY = 0o444


class Busy(Exception):
    """Another request is writing this upload right now."""


class ChecksumMismatch(Exception):
    """The bytes that arrived are not those the client hashed; they were not kept."""


def original_path(root: Path, sha256: str) -> Path:
    return root / "originals" / sha256[:2] / sha256


def partial_path(root: Path, name: str) -> Path:
    return root / "partial" / name


def start_partial(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.touch(mode=0o600, exist_ok=True)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[BinaryIO]:
    """The partial file opened for writing, locked for this request alone."""
    with open(path, "r+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise Busy(str(path)) from exc
        yield handle


def append(handle: BinaryIO, source, *, offset: int, limit: int, hashers: list) -> int:
    """Copy at most `limit` bytes of `source` to `handle` at `offset`, feeding each block to
    every hasher as it passes; return how many bytes came. Bytes past them are cut off, so
    a chunk an earlier request left half-written is overwritten.

    Every byte is hashed and written from one buffer, with no copy of its own; the file is
    synced before returning: a client told that its bytes arrived never has to send them
    again, so they must survive a crash the moment the answer leaves."""
    handle.truncate(offset)
    direct = _open_direct(handle.name)
    buffer = mmap.mmap(-1, WRITE_BLOCK)  # page-aligned, as direct I/O needs
    view = memoryview(buffer)
    written = 0
    try:
        while written < limit:
            # The buffer mirrors the file's alignment: its first block starts where the
            # offset falls within a page, so that every later one starts on a page.
            skew = (offset + written) % ALIGN
            room = min(WRITE_BLOCK - skew, limit - written)
            filled = _fill(source, view[skew : skew + room])
            if not filled:
                break
            for hasher in hashers:
                hasher.update(view[skew : skew + filled])
            direct = _write(handle.fileno(), direct, view, skew, skew + filled, offset + written)
            written += filled
            if filled < room:  # the source ended
                break
    finally:
        view.release()
        buffer.close()
        if direct is not None:
            os.close(direct)
    os.fdatasync(handle.fileno())
    return written


def _open_direct(path) -> int | None:
    """A second descriptor of the file for direct writes, or None where the filesystem
    refuses them."""
    try:
        return os.open(path, os.O_WRONLY | os.O_DIRECT | os.O_CLOEXEC)
    except (OSError, AttributeError):  # EINVAL on tmpfs; no O_DIRECT outside Linux
        return None


def _fill(source, target: memoryview) -> int:
    """Read from `source` into `target` until it is full or the source ends."""
    readinto = getattr(source, "readinto", None)
    filled = 0
    while filled < len(target):
        if readinto is not None:
            count = readinto(target[filled:])
        else:  # a request: its pieces as they came
            piece = source.read(len(target) - filled)
            count = len(piece)
            target[filled : filled + count] = piece
        if not count:
            break
        filled += count
    return filled


def _write(fd: int, direct: int | None, view: memoryview, start: int, end: int, at: int):
    """Write `view[start:end]` at file offset `at`; the whole pages within it go direct
    when they can. Returns the direct descriptor, None once the disk refused one."""
    base = at - start  # the file offset of view[0], a page boundary
    first = -(-start // ALIGN) * ALIGN
    last = end // ALIGN * ALIGN
    if direct is not None and first < last:
        try:
            _pwrite_all(direct, view[first:last], base + first)
        except OSError as error:
            if error.errno != errno.EINVAL:
                raise
            os.close(direct)  # an alignment this disk does not take: the cache takes it all
            direct = None
        else:
            _pwrite_all(fd, view[start:first], at)
            _pwrite_all(fd, view[last:end], base + last)
            return direct
    _pwrite_all(fd, view[start:end], at)
    return direct


def _pwrite_all(fd: int, data: memoryview, at: int) -> None:
    while data:
        count = os.pwrite(fd, data, at)
        data, at = data[count:], at + count


def cut(handle: BinaryIO, offset: int) -> None:
    """Forget what was written past `offset` (a chunk that failed its checksum)."""
    handle.truncate(offset)
    os.fdatasync(handle.fileno())


def hash_prefix(path: Path, length: int):
    """A SHA-256 of the first `length` bytes of `path`, still open for more."""
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        remaining = length
        while remaining:
            block = handle.read(min(BLOCK, remaining))
            if not block:
                break
            hasher.update(block)
            remaining -= len(block)
    return hasher


def head(path: Path, size: int = 8192) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def keep(root: Path, partial: Path, sha256: str) -> bool:
    """Make the finished `partial` the original of `sha256`; False when the store already
    held those bytes (the partial is then dropped). The rename is atomic: an original is
    either absent or complete."""
    target = original_path(root, sha256)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if target.exists():
        partial.unlink(missing_ok=True)
        return False
    partial.chmod(READ_ONLY)
    os.replace(partial, target)
    _sync_dir(target.parent)
    return True


def drop(path: Path) -> None:
    path.unlink(missing_ok=True)


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def digest(path: Path) -> tuple[str, int]:
    """The SHA-256 (hex) and size of what is on disk at `path` now (FileNotFoundError when
    nothing is)."""
    hasher = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            hasher.update(block)
            size += len(block)
    return hasher.hexdigest(), size


def copy_out(path: Path, target: Path) -> tuple[str, int]:
    """Copy an original out of the store, hashing what was read: (SHA-256, size)."""
    hasher = hashlib.sha256()
    size = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "rb") as source, open(target, "xb") as out:
        while block := source.read(BLOCK):
            out.write(block)
            hasher.update(block)
            size += len(block)
    return hasher.hexdigest(), size
