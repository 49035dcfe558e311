"""Jalali (Solar Hijri) dates and the Iranian local day, on top of jdatetime.

Dates are stored as Gregorian `datetime.date` and times as aware UTC datetimes; this module
turns them into what people read (Jalali, Asia/Tehran) and back. Calendar arithmetic is
jdatetime's; here are only parsing, formatting and the Iranian notions of day, week
(from Saturday) and year (from 1 Farvardin).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime

from kalantar.core.persian import MISSING, active_digits, normalize_text, to_persian_digits

__all__ = [
    "MONTHS_EN",
    "MONTHS_FA",
    "TEHRAN",
    "WEEKDAYS_EN",
    "WEEKDAYS_FA",
    "JalaliDateError",
    "display_date",
    "display_datetime",
    "format_jalali_date",
    "format_jalali_datetime",
    "jalali_month_start",
    "jalali_year_start",
    "month_name",
    "parse_jalali_date",
    "parse_jalali_datetime",
    "tehran_day",
    "tehran_today",
    "to_jalali",
    "to_tehran",
    "week_start",
]

TEHRAN = ZoneInfo("Asia/Tehran")

MONTHS_FA = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
MONTHS_EN = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)
# The Iranian week starts on Saturday; index 0 is Saturday, as in jdatetime.
WEEKDAYS_FA = ("شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه")
WEEKDAYS_EN = ("Saturday", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday")

# Years accepted from people. Outside this range is almost always a Gregorian date typed into
# a Jalali field (2024/03/20), which would otherwise be stored six centuries in the future.
MIN_YEAR = 1200
MAX_YEAR = 1499

_SEP = r"\s*[/\-.\u066b]\s*"
_YMD = re.compile(rf"([0-9]{{4}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{1,2}})")
_DMY = re.compile(rf"([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{4}})")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_DATE_TIME = re.compile(
    r"(.+?)\s*(?:[T,،]|\s)\s*([0-9]{1,2})\s*:\s*([0-9]{2})(?:\s*:\s*([0-9]{2}))?"
)


class JalaliDateError(ValueError):
    """Bad Jalali input; `code` says what was wrong: format, year, month, day or time."""

    def __init__(self, message: str, code: str = "format") -> None:
        super().__init__(message)
        self.code = code


def month_name(month: int, lang: str = "fa") -> str:
    """The Jalali month's name: 1 → فروردین (fa) or Farvardin (any other language)."""
    return (MONTHS_FA if lang == "fa" else MONTHS_EN)[month - 1]


def to_tehran(dt: datetime) -> datetime:
    """An aware datetime in Asia/Tehran; naive datetimes are taken as Tehran wall time."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=TEHRAN)
    return dt.astimezone(TEHRAN)


def tehran_day(dt: datetime) -> date:
    """The Iranian local date of an aware datetime (a UTC evening can be tomorrow in Tehran)."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("tehran_day() needs an aware datetime")
    return dt.astimezone(TEHRAN).date()


def tehran_today() -> date:
    return datetime.now(TEHRAN).date()


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return to_tehran(value).date()
    return value


def to_jalali(value: date | datetime) -> jdatetime.date:
    """The Jalali date of a date, or of a datetime's day in Tehran."""
    if isinstance(value, jdatetime.date):
        return value
    return jdatetime.date.fromgregorian(date=_local_date(value))


def jalali_year_start(value: date | datetime) -> date:
    """1 Farvardin of the Jalali year that contains `value`, as a Gregorian date."""
    return jdatetime.date(to_jalali(value).year, 1, 1).togregorian()


def jalali_month_start(value: date | datetime) -> date:
    """The first day of the Jalali month that contains `value`, as a Gregorian date."""
    j = to_jalali(value)
    return jdatetime.date(j.year, j.month, 1).togregorian()


def week_start(value: date | datetime) -> date:
    """The latest Saturday on or before `value` (the Iranian week runs Saturday to Friday)."""
    day = _local_date(value)
    return day - timedelta(days=(day.weekday() - 5) % 7)  # Monday is 0, Saturday 5


def _jalali_to_date(year: int, month: int, day: int, *, min_year: int, max_year: int) -> date:
    if not min_year <= year <= max_year:
        raise JalaliDateError(
            f"year {year} is outside {min_year}-{max_year}; is it a Gregorian date?", "year"
        )
    if not 1 <= month <= 12:
        raise JalaliDateError(f"month {month} is not between 1 and 12", "month")
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError:
        raise JalaliDateError(f"{year}/{month:02d} has no day {day}", "day") from None


def parse_jalali_date(s: str, *, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR) -> date:
    """Parse a Jalali date typed by a person into a Gregorian date, or raise JalaliDateError.

    Accepts Persian, Arabic-Indic or Latin digits; "/", "-", "." or "٫" between the parts;
    year first (۱۴۰۳/۰۷/۱۵, 1403-7-15), year last (15/7/1403) or eight digits (14030715).
    """
    text = normalize_text(s)
    for pattern, order in ((_YMD, (0, 1, 2)), (_DMY, (2, 1, 0)), (_COMPACT, (0, 1, 2))):
        match = pattern.fullmatch(text)
        if match:
            parts = match.groups()
            year, month, day = (int(parts[i]) for i in order)
            return _jalali_to_date(year, month, day, min_year=min_year, max_year=max_year)
    raise JalaliDateError(f"not a Jalali date (expected YYYY/MM/DD): {s!r}")


def parse_jalali_datetime(
    s: str, *, min_year: int = MIN_YEAR, max_year: int = MAX_YEAR
) -> datetime:
    """Parse "۱۴۰۳/۰۷/۱۵ ۱۴:۳۰" (Tehran wall time) into an aware datetime."""
    match = _DATE_TIME.fullmatch(normalize_text(s))
    if not match:
        raise JalaliDateError(f"not a Jalali date and time (expected YYYY/MM/DD HH:MM): {s!r}")
    day = parse_jalali_date(match[1], min_year=min_year, max_year=max_year)
    hour, minute, second = (int(g) if g else 0 for g in match.groups()[1:])
    if hour > 23 or minute > 59 or second > 59:
        raise JalaliDateError(f"not a time of day: {hour:02d}:{minute:02d}", "time")
    return datetime.combine(day, time(hour, minute, second), tzinfo=TEHRAN)


def _digits(text: str, digits: str) -> str:
    return to_persian_digits(text) if digits == "fa" else text


def _format_day(j: jdatetime.date, digits: str, style: str) -> str:
    if style == "short":
        text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    elif style in ("long", "full"):
        text = f"{j.day} {month_name(j.month, digits)} {j.year}"
        if style == "full":
            weekday = (WEEKDAYS_FA if digits == "fa" else WEEKDAYS_EN)[j.weekday()]
            text = f"{weekday}{'،' if digits == 'fa' else ','} {text}"
    else:
        raise ValueError(f"unknown style {style!r}; use 'short', 'long' or 'full'")
    return _digits(text, digits)


def format_jalali_date(value: date | datetime, digits: str = "fa", *, style: str = "short") -> str:
    """A Jalali date for people.

    ``style="short"`` gives ۱۴۰۳/۰۷/۱۵, ``"long"`` ۱۵ مهر ۱۴۰۳, ``"full"`` adds the weekday.
    ``digits="fa"`` gives Persian digits and month names; any other value Latin digits and
    transliterated names (15 Mehr 1403). A datetime is shown as its day in Tehran.
    """
    return _format_day(to_jalali(value), digits, style)


def format_jalali_datetime(value: datetime, digits: str = "fa", *, style: str = "short") -> str:
    """A Jalali date and HH:MM in Tehran: ۱۴۰۳/۰۷/۱۵ ۱۴:۳۰ (or ۱۵ مهر ۱۴۰۳، ۱۴:۳۰ when long).

    Aware datetimes are converted to Asia/Tehran; naive ones are taken as Tehran wall time.
    """
    local = to_tehran(value)
    day = _format_day(jdatetime.date.fromgregorian(date=local.date()), digits, style)
    clock = _digits(f"{local.hour:02d}:{local.minute:02d}", digits)
    if style == "short":
        return f"{day} {clock}"
    return f"{day}{'،' if digits == 'fa' else ','} {clock}"


_STYLES = ("short", "long", "full")


def display_date(value: date | datetime | None, style: str = "short") -> str:
    """A Jalali date in the active language (``format_jalali_date``); "—" when missing.
    A datetime shows its day in Tehran; an unknown style is taken as "short"."""
    if value is None or value == "":
        return MISSING
    if not isinstance(value, date):
        return str(value)
    return format_jalali_date(value, active_digits(), style=style if style in _STYLES else "short")


def display_datetime(value: datetime | None, style: str = "short") -> str:
    """A Jalali date and time in Tehran in the active language; "—" when missing."""
    if value is None or value == "":
        return MISSING
    if not isinstance(value, datetime):
        return display_date(value, style)
    return format_jalali_datetime(
        value, active_digits(), style=style if style in _STYLES else "short"
    )
