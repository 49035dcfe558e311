"""Calendar months for statistics and indicators: Jalali (1404-07) or Gregorian (2025-10).

One shape for every app that reads a month from people: the public transparency pages
and the programme's indicators parse and step through months alike. Pure: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import jdatetime
from django.utils.translation import gettext as _

from kalantar.core.jalali import TEHRAN, month_name, to_jalali
from kalantar.core.persian import digits, to_latin_digits

_MONTH = re.compile(r"^\s*(\d{4})\s*[-/]\s*(\d{1,2})\s*$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Month:
    """The days first…last (inclusive, Tehran days) of one calendar month."""

    first: date
    last: date
    jalali: bool
    year: int
    month: int

    @property
    def start(self) -> date:
        return self.first

    @property
    def end(self) -> date:
        """The day after the last (an exclusive bound)."""
        return self.last + timedelta(days=1)

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=TEHRAN)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time.min, tzinfo=TEHRAN)

    @property
    def code(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def jalali_code(self) -> str:
        j = to_jalali(self.first)
        return self.code if self.jalali else f"{j.year:04d}-{j.month:02d}"

    def label(self, lang: str) -> str:
        if self.jalali:
            return f"{month_name(self.month, 'fa' if lang == 'fa' else 'en')} {self.year}"
        return f"{self.first:%B} {self.year}"


def jalali_month(year: int, month: int) -> Month:
    first = jdatetime.date(year, month, 1).togregorian()
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    last = jdatetime.date(next_year, next_month, 1).togregorian() - timedelta(days=1)
    return Month(first, last, True, year, month)


def gregorian_month(year: int, month: int) -> Month:
    first = date(year, month, 1)
    nxt = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Month(first, nxt - timedelta(days=1), False, year, month)


def parse_month(text: str) -> Month:
    """ "1404-07" (Jalali, Persian digits and "/" too) or "2025-10" (Gregorian);
    PeriodError, with a message for people, otherwise."""
    match = _MONTH.match(to_latin_digits(text or ""))
    if not match:
        raise PeriodError(_("Give the month as YEAR-MONTH, such as 1404-07 or 2025-10."))
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(_("There is no month %(month)s.") % {"month": digits(month)})
    if 1300 <= year <= 1499:
        return jalali_month(year, month)
    if 1900 <= year <= 2199:
        return gregorian_month(year, month)
    raise PeriodError(_("The year %(year)s is out of range.") % {"year": digits(year)})


def jalali_month_of(day: date) -> Month:
    """The Jalali month `day` is in."""
    j = to_jalali(day)
    return jalali_month(j.year, j.month)


def previous(month: Month) -> Month:
    """The Jalali month before `month`."""
    return jalali_month_of(month.first - timedelta(days=1))


def last_complete_month(today: date) -> Month:
    """The Jalali month before the one `today` is in."""
    return previous(jalali_month_of(today))


def recent_months(today: date, count: int = 12) -> list[Month]:
    months, current = [], last_complete_month(today)
    for _i in range(count):
        months.append(current)
        current = previous(current)
    return months
