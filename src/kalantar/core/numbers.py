"""The one grammar for numbers read from files (CSV and GeoJSON importers): pure functions.

A number is an optional sign, digits (Latin, Persian ۰-۹ or Arabic-Indic ٠-٩) and at most one
decimal point (`.` or the Persian `٫`), with spaces around it allowed. Nothing else: Python's
`float()` alone would also read `3_4.8006` as 34.8006, `1e3` as 1000 and `nan`/`inf` as
numbers, so a typo in a file would put an incident in the wrong place instead of being
reported on its line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from kalantar.core.persian import to_latin_digits

__all__ = ["parse_decimal", "parse_decimal_column", "parse_whole"]

PERSIAN_DECIMAL_SEPARATOR = "\u066b"  # ٫
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_WHOLE = re.compile(r"[+-]?[0-9]+")
# Characters whose every combination float() reads exactly as `_DECIMAL` does (or refuses).
_PLAIN = b"0123456789.+- "


def _latin(text: str) -> str:
    if not text.isascii():
        text = to_latin_digits(text).replace(PERSIAN_DECIMAL_SEPARATOR, ".")
    return text.strip()


def parse_decimal(text: str) -> float:
    """A finite number written in the grammar above; ValueError otherwise."""
    latin = _latin(text)
    if not _DECIMAL.fullmatch(latin):
        raise ValueError(f"not a decimal number: {text!r}")
    value = float(latin)
    if not math.isfinite(value):
        raise ValueError(f"out of range: {text!r}")
    return value


def parse_whole(text: str) -> int:
    """A whole number (sign and digits only); ValueError otherwise."""
    latin = _latin(text)
    if not _WHOLE.fullmatch(latin):
        raise ValueError(f"not a whole number: {text!r}")
    return int(latin)


def parse_decimal_column(values: Sequence[str]) -> np.ndarray | None:
    """Every value of a column parsed as `parse_decimal` would, or None if any is refused.

    For a million values a regular expression per value costs several times float() alone:
    when the column holds only digits, points, signs and spaces, float() accepts exactly
    what the grammar accepts, so one look at the characters replaces the per-value check.
    """
    joined = "".join(values)
    if not joined.isascii():
        values = [_latin(v) for v in values]
        joined = "".join(values)
    # Deleting the plain characters from the bytes is a single pass in C.
    if not joined.isascii() or joined.encode("ascii").translate(None, _PLAIN):
        try:
            return np.array([parse_decimal(v) for v in values], dtype=float)
        except ValueError:
            return None
    try:
        column = np.array(list(map(float, values)), dtype=float)
    except ValueError:
        return None
    return column if np.isfinite(column).all() else None
