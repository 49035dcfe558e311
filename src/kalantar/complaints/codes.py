"""Tracking codes (کد رهگیری): the number a citizen quotes to follow a complaint.

A code is 10 digits: 9 random digits, the first never 0 (so a spreadsheet or a form that
reads it as a number keeps every digit), then one check digit. Codes are read over the
phone and typed from paper, so the check digit must catch the errors people make: the
Damm algorithm catches every single wrong digit and every swap of two neighbouring digits.
Luhn (used by bank cards) would not do: it misses the swap 09 ↔ 90. Verhoeff catches the
same errors as Damm but needs three tables instead of one.

Codes are stored and compared as 10 Latin digits. Input from people may come with Persian
or Arabic-Indic digits, spaces and dashes; `normalize_tracking_code` makes it canonical.
"""

from __future__ import annotations

import base64
import random
import re
import secrets

from kalantar.core.persian import to_latin_digits

__all__ = [
    "CODE_LENGTH",
    "DAMM_TABLE",
    "check_digit",
    "format_tracking_code",
    "is_valid_tracking_code",
    "new_open311_id",
    "new_tracking_code",
    "normalize_tracking_code",
]

CODE_LENGTH = 10
_PAYLOAD_LENGTH = CODE_LENGTH - 1
_PAYLOAD_MIN = 10 ** (_PAYLOAD_LENGTH - 1)  # the smallest payload without a leading 0
_PAYLOAD_MAX = 10**_PAYLOAD_LENGTH - 1

# A weakly totally anti-symmetric quasigroup of order 10 with a zero diagonal (H. Michael Damm,
# 2004). Each row and column is a permutation, so one wrong digit always changes the
# result; anti-symmetry makes swapping two neighbouring digits change it too.
DAMM_TABLE: tuple[tuple[int, ...], ...] = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)

# `\d` would also match other scripts' digits; only 0-9 are canonical.
_DIGITS = re.compile(r"[0-9]+")
_CODE = re.compile(rf"[1-9][0-9]{{{CODE_LENGTH - 1}}}")
# What people put between digits when they type or paste a code: spaces, dashes, and the
# invisible direction marks that come along when copying from right-to-left text.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def _damm(digits: str) -> int:
    interim = 0
    for d in digits:
        interim = DAMM_TABLE[interim][ord(d) - 48]
    return interim


def check_digit(payload: str) -> str:
    """The Damm check digit for a string of Latin digits."""
    if not isinstance(payload, str) or not _DIGITS.fullmatch(payload):
        raise ValueError("payload must be a non-empty string of digits 0-9")
    return str(_damm(payload))


def new_tracking_code(rng: random.Random | None = None) -> str:
    """A fresh random code; `secrets` draws it unless a seeded `rng` is given (for tests)."""
    if rng is None:
        payload = _PAYLOAD_MIN + secrets.randbelow(_PAYLOAD_MAX - _PAYLOAD_MIN + 1)
    else:
        payload = rng.randint(_PAYLOAD_MIN, _PAYLOAD_MAX)
    text = str(payload)
    return text + check_digit(text)


def _canonical(s: object) -> str | None:
    if isinstance(s, int) and not isinstance(s, bool):
        s = str(s)
    if not isinstance(s, str):
        return None
    digits = _SEPARATORS.sub("", to_latin_digits(s))
    if not _CODE.fullmatch(digits) or _damm(digits) != 0:
        return None
    return digits


def is_valid_tracking_code(s: object) -> bool:
    """Whether `s` is a tracking code, as typed by a person (Persian digits, spaces, dashes)."""
    return _canonical(s) is not None


def normalize_tracking_code(s: str) -> str:
    """The canonical 10 Latin digits of a code typed by a person; ValueError if it is none."""
    code = _canonical(s)
    if code is None:
        raise ValueError(f"not a valid tracking code: {s!r}")
    return code


def format_tracking_code(code: str) -> str:
    """Group a code for reading aloud: 123-456-7890 (Latin digits; templates localise them)."""
    c = normalize_tracking_code(code)
    return f"{c[:3]}-{c[3:6]}-{c[6:]}"


OPEN311_ID_BYTES = 10  # 80 random bits: 16 characters of lowercase base32


def new_open311_id() -> str:
    """The public id of a complaint in Open311: random, unrelated to its tracking code.

    The tracking code is the citizen's key to the status page and is never published; this
    id is what Open311 clients see and quote. Sixteen letters and digits 2-7, so it can never
    be mistaken for (or turned into) a tracking code.
    """
    return base64.b32encode(secrets.token_bytes(OPEN311_ID_BYTES)).decode().lower()
