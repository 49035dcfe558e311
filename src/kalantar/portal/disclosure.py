"""Disclosure control for the public statistics. Pure: no database.

The rules, also published on the portal:
1. a count of 1 to 4 is shown as "fewer than 5";
2. every other count, totals included, is rounded to the nearest multiple of 5;
3. where a small count could still be worked out from a total and the other published
   counts of the same table, more counts of that table are withheld (shown as "not
   published") until it cannot — and if that is not enough, the total is withheld.

Why rounding rather than exact figures: the same incidents are published several ways
(by category, by map cell, by station, and again on the county and province pages). With
exact figures, one suppressed cell is simply the total minus the others. Rounding leaves
every difference uncertain by several units; rule 3 closes the remaining corner cases
(a total at the top of its rounding band while every other count sits at the bottom of
its own), which `pinned` finds by the same interval reasoning a reader could use.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from kalantar.core.disclosure import MIN_COUNT

THRESHOLD = MIN_COUNT
BASE = 5
FEWER = "<5"
WITHHELD = "withheld"


@dataclass(frozen=True)
class Count:
    """A published count: a number, "fewer than 5" or withheld."""

    value: int | None
    withheld: bool = False

    @property
    def fewer_than_threshold(self) -> bool:
        return self.value is None and not self.withheld

    def as_json(self) -> int | str:
        if self.withheld:
            return WITHHELD
        return FEWER if self.value is None else self.value


WITHHELD_COUNT = Count(None, withheld=True)


def publish(n: int) -> Count:
    """The published form of a true count (rules 1 and 2)."""
    if n < 0:
        raise ValueError("a count cannot be negative")
    if n == 0:
        return Count(0)
    if n < THRESHOLD:
        return Count(None)
    return Count(BASE * ((n + BASE // 2) // BASE))


def bounds(count: Count) -> tuple[float, float]:
    """What a reader can know of the true count from its published form (inclusive)."""
    if count.withheld:
        return THRESHOLD, math.inf
    if count.value is None:
        return 1, THRESHOLD - 1
    if count.value == 0:
        return 0, 0
    return max(THRESHOLD, count.value - BASE // 2), count.value + BASE // 2


def enough(n: int) -> bool:
    """Whether a figure computed from n cases (a median, a mean, a rate) may be published."""
    return n >= THRESHOLD


def total_bounds(total: Count, tables: list[Mapping[str, Count]]) -> tuple[float, float]:
    """The total as a reader can bound it: its own band narrowed by every table's sums."""
    low, high = bounds(total) if not total.withheld else (0, math.inf)
    for table in tables:
        low = max(low, sum(bounds(c)[0] for c in table.values()))
        high = min(high, sum(bounds(c)[1] for c in table.values()))
    return low, high


def pinned(table: Mapping[str, Count], total: tuple[float, float]) -> list[str]:
    """Keys of "fewer than 5" counts a reader could work out exactly from the total."""
    lows = {k: bounds(c)[0] for k, c in table.items()}
    highs = {k: bounds(c)[1] for k, c in table.items()}
    sum_low, sum_high = sum(lows.values()), sum(highs.values())
    found = []
    for key, count in table.items():
        if not count.fewer_than_threshold:
            continue
        low = max(1, total[0] - (sum_high - highs[key]))
        high = min(THRESHOLD - 1, total[1] - (sum_low - lows[key]))
        if low >= high:
            found.append(key)
    return found


def _candidates(table: Mapping[str, Count]) -> list[str]:
    return [k for k, c in table.items() if c.value and not c.withheld]


def protect(total: int, tables: list[Mapping[str, int]]) -> tuple[Count, list[dict[str, Count]]]:
    """Publish a total and several breakdowns of it (each summing to it) under rules 1–3."""
    published_total = publish(total)
    published = [{k: publish(n) for k, n in table.items() if n} for table in tables]
    while True:
        t_bounds = total_bounds(published_total, published)
        exposed = [i for i, table in enumerate(published) if pinned(table, t_bounds)]
        if not exposed:
            return published_total, published
        table, raw = published[exposed[0]], tables[exposed[0]]
        if _candidates(table):
            # Withhold the count whose true value sits furthest above what a reader would
            # assume: that does the most to loosen the sum.
            best = max(_candidates(table), key=lambda k: (raw[k] - bounds(table[k])[0], raw[k]))
            table[best] = WITHHELD_COUNT
        elif not published_total.withheld:
            published_total = WITHHELD_COUNT
        else:
            # The total is pinned by another breakdown's sum: loosen that one.
            others = [
                (raw_other[k], i, k)
                for i, (other, raw_other) in enumerate(zip(published, tables, strict=True))
                if i != exposed[0]
                for k in _candidates(other)
            ]
            if not others:
                return published_total, published
            _value, i, k = max(others)
            published[i][k] = WITHHELD_COUNT
