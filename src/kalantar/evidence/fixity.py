"""How much of the store one run of the fixity job re-hashes (pure arithmetic, no Django)."""

from __future__ import annotations

import math

# A margin under the promised period, so a run missed now and then still keeps the promise.
MARGIN = 0.9


def share(total: int, *, every_seconds: int, period_days: int) -> int:
    """How many originals one run must verify so that `total` of them are each verified
    within `period_days` when the job runs every `every_seconds`."""
    if total <= 0:
        return 0
    runs = max(1, int(period_days * 86400 * MARGIN) // every_seconds)
    return math.ceil(total / runs)
