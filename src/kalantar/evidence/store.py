"""The write-once store of originals: content-addressed files under one folder, plus the
partial files of uploads still arriving. Plain file work, no Django: the services pass the
folder (settings.EVIDENCE_DIR).

An original lives at `originals/<sha256[:2]>/<sha256>`, read-only once written; the same
bytes arriving twice are kept once. A partial upload is appended to in place, under an
exclusive lock, so two requests for one upload cannot interleave.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

BLOCK = 1024 * 1024
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


def append(handle: BinaryIO, source: BinaryIO, *, offset: int, limit: int, hashers: list) -> int:
    """Copy at most `limit` bytes of `source` to `handle` at `offset`, feeding each block to
    every hasher as it passes; return how many bytes came. Bytes past them are cut off, so
    a chunk an earlier request left half-written is overwritten."""
    handle.seek(offset)
    handle.truncate()
    written = 0
    while written < limit:
        block = source.read(min(BLOCK, limit - written))
        if not block:
            break
        handle.write(block)
        for hasher in hashers:
            hasher.update(block)
        written += len(block)
    handle.flush()
    os.fsync(handle.fileno())
    return written


def cut(handle: BinaryIO, offset: int) -> None:
    """Forget what was written past `offset` (a chunk that failed its checksum)."""
    handle.truncate(offset)
    handle.flush()
    os.fsync(handle.fileno())


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
