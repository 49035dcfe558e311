"""The rotating codes of tour checkpoints: what a checkpoint's screen shows and a scan proves.

A code names the checkpoint and the 30-minute window it was made in, signed with HMAC-SHA256
under the tour key (settings.GUARD_TOUR_KEY). A photo of the screen stops working when the
window ends; a code made with another key is refused. Pure: no database.

Our own format rather than a signed-token library: the code is printed in a QR that a
phone's camera must read at a glance, so it is kept to a few dozen characters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

PREFIX = "KT1"
WINDOW = timedelta(minutes=30)
# A code shown in the last moments of its window is still read after the screen changed.
GRACE = timedelta(minutes=2)
SIGNATURE_BYTES = 12


class CodeError(ValueError):
    """Why a scanned code is refused: `reason` is one of the keys of REASONS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


MALFORMED, FORGED, EXPIRED, NOT_YET = "malformed", "forged", "expired", "not_yet"


@dataclass(frozen=True)
class ScannedCode:
    checkpoint_id: int
    window: int  # the number of the 30-minute window since the epoch


def window_of(at: datetime) -> int:
    return int(at.timestamp() // WINDOW.total_seconds())


def window_ends(window: int) -> datetime:
    return datetime.fromtimestamp((window + 1) * WINDOW.total_seconds(), tz=UTC)


def _signature(key: bytes, checkpoint_id: int, window: int) -> str:
    message = f"{PREFIX}.{checkpoint_id}.{window}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_code(key: bytes, checkpoint_id: int, at: datetime) -> str:
    """The code a checkpoint's screen shows at `at`."""
    window = window_of(at)
    return f"{PREFIX}.{checkpoint_id}.{window}.{_signature(key, checkpoint_id, window)}"


def parse(code: str) -> tuple[int, int, str]:
    parts = code.strip().split(".")
    if len(parts) != 4 or parts[0] != PREFIX or not parts[1].isdigit() or not parts[2].isdigit():
        raise CodeError(MALFORMED)
    return int(parts[1]), int(parts[2]), parts[3]


def verify(key: bytes, code: str, *, now: datetime) -> ScannedCode:
    """The checkpoint a code names, if the code is genuine and current; CodeError if not.

    The signature is checked before the time, so a forged code is never reported as merely
    old."""
    checkpoint_id, window, signature = parse(code)
    expected = _signature(key, checkpoint_id, window)
    if not hmac.compare_digest(expected, signature):
        raise CodeError(FORGED)
    current = window_of(now)
    if window > current:
        raise CodeError(NOT_YET)
    if window < current and now - window_ends(window) > GRACE:
        raise CodeError(EXPIRED)
    return ScannedCode(checkpoint_id=checkpoint_id, window=window)
