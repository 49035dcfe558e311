"""Months of the statistics: Jalali (1404-07) or Gregorian (2025-10). Pure: no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import jdatetime
from django.utils.translation import gettext as _

from kalantar.core.jalali import month_name, to_jalali
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
    """ "1404-07" (Jalali, Persian digits too) or "2025-10" (Gregorian)."""
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


def last_complete_month(today: date) -> Month:
    """The Jalali month before the one `today` is in."""
    j = to_jalali(today)
    year, month = (j.year - 1, 12) if j.month == 1 else (j.year, j.month - 1)
    return jalali_month(year, month)


def recent_months(today: date, count: int = 12) -> list[Month]:
    months, current = [], last_complete_month(today)
    for _i in range(count):
        months.append(current)
        current = last_complete_month(current.first)
    return months
