"""The surge test for one station × category. Pure: no database.

The last 28 days are compared with the station's own baseline: the mean of the twelve
28-day periods before them. A rise is a surge when it is unlikely under a Poisson with
the baseline mean, large on the variance-stabilised scale, and made of enough events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kalantar.analytics.stats import poisson_upper_tail, poisson_z

WINDOW_DAYS = 28
BASELINE_PERIODS = 12
MIN_EVENTS = 5
MIN_Z = 3.0
# Tens of thousands of station × category tests run each night nationally; at this level
# pure chance raises about one alert per 10,000 pairs (bench/analytics.py shows it).
MAX_P = 0.0001


@dataclass(frozen=True)
class SurgeTest:
    current: int
    baseline_mean: float
    z: float
    p: float

    @property
    def is_surge(self) -> bool:
        return self.current >= MIN_EVENTS and self.z >= MIN_Z and self.p <= MAX_P


def test_window(current: int, baseline: Sequence[int]) -> SurgeTest:
    """`baseline` holds the counts of the previous periods (oldest first or not: only the mean
    matters)."""
    mean = sum(baseline) / len(baseline) if baseline else 0.0
    z = poisson_z(current, mean)
    # A baseline of zero would make any single event "impossible"; half an event per
    # period is the least we assume.
    p = poisson_upper_tail(current, max(mean, 0.5))
    return SurgeTest(current=current, baseline_mean=mean, z=z, p=p)


test_window.__test__ = False  # not a pytest test despite its name
