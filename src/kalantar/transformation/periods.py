"""Months for the indicators: "1405-08" (a Jalali month) or "2026-11" (a Gregorian one).
Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import jdatetime

from kalantar.core.jalali import TEHRAN, month_name
from kalantar.core.persian import to_latin_digits

# A year below this is a Jalali year (1300–1499); above it a Gregorian one.
_JALALI_BEFORE = 1700


@dataclass(frozen=True)
class Period:
    start: date  # first day
    end: date  # the day after the last
    jalali: bool

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=TEHRAN)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time.min, tzinfo=TEHRAN)

    def label(self, lang: str = "fa") -> str:
        if self.jalali:
            j = jdatetime.date.fromgregorian(date=self.start)
            return f"{month_name(j.month, lang)} {j.year}"
        return self.start.strftime("%Y-%m")

    @property
    def key(self) -> str:
        if self.jalali:
            j = jdatetime.date.fromgregorian(date=self.start)
            return f"{j.year:04d}-{j.month:02d}"
        return self.start.strftime("%Y-%m")


def parse_month(text: str) -> Period:
    """The month "YYYY-MM" names; Persian digits and "/" accepted. ValueError if malformed."""
    parts = to_latin_digits(text.strip()).replace("/", "-").split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{text!r} is not a month written YYYY-MM")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: the month must be between 1 and 12")
    if year < _JALALI_BEFORE:
        return jalali_month(year, month)
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    return Period(start, end, jalali=False)


def jalali_month(year: int, month: int) -> Period:
    start = jdatetime.date(year, month, 1).togregorian()
    nxt = jdatetime.date(year + (month == 12), month % 12 + 1, 1).togregorian()
    return Period(start, nxt, jalali=True)


def jalali_month_of(day: date) -> Period:
    j = jdatetime.date.fromgregorian(date=day)
    return jalali_month(j.year, j.month)


def previous(period: Period) -> Period:
    """The Jalali month before `period`."""
    return jalali_month_of(date.fromordinal(period.start.toordinal() - 1))
