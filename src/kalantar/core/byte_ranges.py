"""HTTP byte ranges (RFC 9110 §14) for serving a map tile archive by parts.

Pure text handling, no Django: tested on its own (tests/core/test_byte_ranges.py).
Django's FileResponse answers ranges with the whole file, and a PMTiles reader asks for
a few hundred bytes of a file of gigabytes, so the one range a reader asks for is worked
out here.
"""

from __future__ import annotations

import re

__all__ = ["UnsatisfiableRange", "parse_range"]

_SINGLE = re.compile(r"^bytes=(\d*)-(\d*)$")


class UnsatisfiableRange(ValueError):
    """The header names no byte of the file, or is not a single byte range."""


def parse_range(header: str, size: int) -> tuple[int, int]:
    """The first and last byte (inclusive) that `header` asks of a file of `size` bytes.

    One range only: a tile reader never asks for several, and answering several would need
    a multipart body no reader here parses.
    """
    match = _SINGLE.match(header.strip().replace(" ", ""))
    if not match or match.groups() == ("", ""):
        raise UnsatisfiableRange(header)
    first, last = match.groups()
    if not first:  # "bytes=-500": the last 500 bytes
        length = int(last)
        if length == 0 or size == 0:
            raise UnsatisfiableRange(header)
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise UnsatisfiableRange(header)
    return start, min(end, size - 1)
