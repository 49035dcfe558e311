"""CompStat periods and comparisons. Pure: no database.

For a date D: the week to date (from the latest Saturday) against the same days of the
week before; the 28 days ending on D against the 28 before; the Jalali year to date
(from 1 Farvardin) against the same span of the previous Jalali year. Each pair gets the
change as a count and a Poisson z-score 2(√c − √p), flagged at |z| ≥ 3.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from kalantar.analytics.stats import is_flagged, poisson_z
from kalantar.core.jalali import jalali_year_start, week_start

PERIOD_KEYS = ("week", "d28", "ytd")


@dataclass(frozen=True)
class Span:
    start: date
    end: date  # inclusive

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class PeriodPair:
    key: str
    current: Span
    previous: Span


def periods(day: date) -> list[PeriodPair]:
    week = week_start(day)
    offset = day - week
    year = jalali_year_start(day)
    last_year = jalali_year_start(year - timedelta(days=1))
    # The same number of days into the previous Jalali year, never past its end.
    last_year_end = min(last_year + (day - year), year - timedelta(days=1))
    return [
        PeriodPair(
            "week",
            Span(week, day),
            Span(week - timedelta(days=7), week - timedelta(days=7) + offset),
        ),
        PeriodPair(
            "d28",
            Span(day - timedelta(days=27), day),
            Span(day - timedelta(days=55), day - timedelta(days=28)),
        ),
        PeriodPair("ytd", Span(year, day), Span(last_year, last_year_end)),
    ]


def needed_span(day: date, trend_weeks: int = 52) -> Span:
    """The days a CompStat for `day` reads: every period and the weekly trend."""
    pairs = periods(day)
    first = min(min(p.current.start, p.previous.start) for p in pairs)
    trend_start = week_start(day) - timedelta(weeks=trend_weeks - 1)
    return Span(min(first, trend_start), day)


@dataclass(frozen=True)
class Comparison:
    current: int
    previous: int

    @property
    def change(self) -> int:
        return self.current - self.previous

    @property
    def percent(self) -> float | None:
        return None if self.previous == 0 else 100.0 * self.change / self.previous

    @property
    def z(self) -> float:
        return poisson_z(self.current, self.previous)

    @property
    def flagged(self) -> bool:
        return is_flagged(self.z)

    def as_dict(self) -> dict:
        return {
            "current": self.current,
            "previous": self.previous,
            "change": self.change,
            "percent": None if self.percent is None else round(self.percent, 1),
            "z": round(self.z, 3),
            "flagged": self.flagged,
        }


@dataclass
class Row:
    category: str  # "" for the total
    figures: dict[str, Comparison] = field(default_factory=dict)


@dataclass
class Table:
    day: date
    pairs: list[PeriodPair]
    rows: list[Row]
    total: Row
    trend_weeks: list[date]
    trend: dict[str, list[int]]  # category ("" for total) → weekly counts


def build(day: date, counts: Iterable[tuple[str, date, int]], *, trend_weeks: int = 52) -> Table:
    """Fold (category, day, count) rows into the CompStat table and weekly trend."""
    pairs = periods(day)
    current = defaultdict(lambda: defaultdict(int))
    previous = defaultdict(lambda: defaultdict(int))
    first_week = week_start(day) - timedelta(weeks=trend_weeks - 1)
    weekly: dict[str, list[int]] = defaultdict(lambda: [0] * trend_weeks)
    for category, d, n in counts:
        if d > day:
            continue
        for pair in pairs:
            if d in pair.current:
                current[category][pair.key] += n
            elif d in pair.previous:
                previous[category][pair.key] += n
        if first_week <= d:
            index = (d - first_week).days // 7
            weekly[category][index] += n
            weekly[""][index] += n
    categories = sorted(set(current) | set(previous))
    rows = []
    for category in categories:
        row = Row(category)
        for pair in pairs:
            row.figures[pair.key] = Comparison(
                current[category][pair.key], previous[category][pair.key]
            )
        rows.append(row)
    total = Row("")
    for pair in pairs:
        total.figures[pair.key] = Comparison(
            sum(r.figures[pair.key].current for r in rows),
            sum(r.figures[pair.key].previous for r in rows),
        )
    weeks = [first_week + timedelta(weeks=i) for i in range(trend_weeks)]
    return Table(day, pairs, rows, total, weeks, dict(weekly))
