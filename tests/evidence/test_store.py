"""The store's appends: every byte lands where it belongs, whatever the offsets a resumed
upload brings, written directly to the disk or through the page cache."""

from __future__ import annotations

import hashlib
import io
import itertools
import os

import pytest

from kalantar.evidence import store


class _Request:
    """A source like a streamed request body: `read` hands over the pieces as they came,
    fewer bytes than asked for."""

    def __init__(self, data: bytes, piece: int) -> None:
        self._data, self._piece, self._at = data, piece, 0

    def read(self, size: int) -> bytes:
        chunk = self._data[self._at : self._at + min(size, self._piece)]
        self._at += len(chunk)
        return chunk


@pytest.fixture(params=["direct", "cached"])
def partial(request, tmp_path, monkeypatch):
    path = tmp_path / "partial" / "upload"
    store.start_partial(path)
    if request.param == "direct" and store._open_direct(path) is None:
        pytest.skip("this filesystem offers no direct I/O")
    if request.param == "cached":  # as on a filesystem without direct I/O
        monkeypatch.setattr(store, "_open_direct", lambda path: None)
    return path


# Cut points a resumed upload may bring: on a page, just off one, mid-block, past a block.
CUTS = [0, 1, store.ALIGN - 1, store.ALIGN, store.ALIGN + 7, store.WRITE_BLOCK + 4099]


def test_chunks_at_any_offsets_make_the_exact_file_and_hash(partial):
    data = os.urandom(2 * store.WRITE_BLOCK + 3 * store.ALIGN + 11)
    cuts = sorted({*CUTS, store.WRITE_BLOCK * 2 + 1, len(data)})
    running = hashlib.sha256()
    with store.locked(partial) as handle:
        for start, end in itertools.pairwise(cuts):
            piece = 65_536 if start % 2 else 1_000_003  # a request's pieces, or a file's reads
            source = _Request(data[start:end], piece) if start % 3 else io.BytesIO(data[start:end])
            got = store.append(
                handle, source, offset=start, limit=len(data) - start, hashers=[running]
            )
            assert got == end - start
    assert partial.read_bytes() == data
    assert running.hexdigest() == hashlib.sha256(data).hexdigest()


def test_a_chunk_rewritten_after_a_broken_one_leaves_no_trace_of_it(partial):
    data = os.urandom(store.WRITE_BLOCK + store.ALIGN * 3)
    with store.locked(partial) as handle:
        store.append(handle, io.BytesIO(data[:5000]), offset=0, limit=len(data), hashers=[])
        # A request that broke off after sending other bytes past the offset…
        store.append(handle, io.BytesIO(os.urandom(9000)), offset=5000, limit=9000, hashers=[])
        # …is overwritten by the resumed one, which starts at the offset the upload kept.
        got = store.append(
            handle, io.BytesIO(data[5000:]), offset=5000, limit=len(data) - 5000, hashers=[]
        )
    assert got == len(data) - 5000
    assert partial.read_bytes() == data


def test_no_more_than_the_limit_is_taken(partial):
    with store.locked(partial) as handle:
        got = store.append(
            handle, io.BytesIO(os.urandom(store.ALIGN * 3)), offset=0, limit=5000, hashers=[]
        )
    assert got == 5000
    assert partial.stat().st_size == 5000
