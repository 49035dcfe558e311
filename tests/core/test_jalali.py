"""Jalali dates, the Tehran day, the Saturday week and the Farvardin year."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kalantar.core.jalali import (
    MONTHS_EN,
    MONTHS_FA,
    TEHRAN,
    JalaliDateError,
    format_jalali_date,
    format_jalali_datetime,
    jalali_month_start,
    jalali_year_start,
    month_name,
    parse_jalali_date,
    parse_jalali_datetime,
    tehran_day,
    week_start,
)

KNOWN_DATES = [
    ("1402/12/29", date(2024, 3, 19)),  # the last day before Nowruz 1403
    ("1403/01/01", date(2024, 3, 20)),  # Nowruz 1403
    ("1403/07/15", date(2024, 10, 6)),
    ("1403/06/31", date(2024, 9, 21)),  # the first six months have 31 days
    ("1403/12/30", date(2025, 3, 20)),  # 1403 is a leap year
    ("1404/01/01", date(2025, 3, 21)),  # Nowruz 1404
    ("1399/12/30", date(2021, 3, 20)),  # 1399 was a leap year too
    ("1400/01/01", date(2021, 3, 21)),
]


@pytest.mark.parametrize(("jalali", "gregorian"), KNOWN_DATES)
def test_known_dates_both_ways(jalali, gregorian):
    assert parse_jalali_date(jalali) == gregorian
    assert format_jalali_date(gregorian, digits="en") == jalali


@pytest.mark.parametrize(
    "typed",
    [
        "۱۴۰۳/۰۷/۱۵",
        "١٤٠٣/٠٧/١٥",
        "1403/07/15",
        "1403-7-15",
        "1403.7.15",
        "۱۴۰۳٫۷٫۱۵",
        " 1403 / 7 / 15 ",
        "15/7/1403",
        "14030715",
        "\u200f۱۴۰۳/۰۷/۱۵\u200e",
    ],
)
def test_the_ways_people_type_a_date(typed):
    assert parse_jalali_date(typed) == date(2024, 10, 6)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1404/12/30", "day"),  # 1404 is not a leap year
        ("1403/07/31", "day"),  # Mehr has 30 days
        ("1403/00/10", "month"),
        ("1403/13/01", "month"),
        ("2024/03/20", "year"),  # a Gregorian date in a Jalali field
        ("1403/7", "format"),
        ("03/07/15", "format"),
        ("فردا", "format"),
        ("", "format"),
    ],
)
def test_bad_dates_are_refused_with_the_reason(typed, code):
    with pytest.raises(JalaliDateError) as error:
        parse_jalali_date(typed)
    assert error.value.code == code
    assert isinstance(error.value, ValueError)


def test_every_day_round_trips_across_two_nowruz():
    day = date(2024, 3, 1)
    while day < date(2025, 4, 1):
        assert parse_jalali_date(format_jalali_date(day)) == day
        day += timedelta(days=1)


def test_date_formats_in_each_language():
    day = date(2024, 10, 6)  # a Sunday
    assert format_jalali_date(day) == "۱۴۰۳/۰۷/۱۵"
    assert format_jalali_date(day, "en") == "1403/07/15"
    assert format_jalali_date(day, style="long") == "۱۵ مهر ۱۴۰۳"
    assert format_jalali_date(day, "en", style="long") == "15 Mehr 1403"
    assert format_jalali_date(day, style="full") == "یکشنبه، ۱۵ مهر ۱۴۰۳"
    assert format_jalali_date(day, "en", style="full") == "Sunday, 15 Mehr 1403"


def test_month_names():
    assert MONTHS_FA[0] == "فروردین" and MONTHS_FA[11] == "اسفند"
    assert MONTHS_EN[0] == "Farvardin" and MONTHS_EN[11] == "Esfand"
    assert month_name(7) == "مهر" and month_name(7, "en") == "Mehr"
    assert len(MONTHS_FA) == len(MONTHS_EN) == 12


def test_a_datetime_is_shown_in_tehran():
    # 21:00 UTC on 19 March 2024 is 00:30 on Nowruz 1403 in Tehran.
    moment = datetime(2024, 3, 19, 21, 0, tzinfo=UTC)
    assert format_jalali_datetime(moment) == "۱۴۰۳/۰۱/۰۱ ۰۰:۳۰"
    assert format_jalali_datetime(moment, "en") == "1403/01/01 00:30"
    assert format_jalali_datetime(moment, style="long") == "۱ فروردین ۱۴۰۳، ۰۰:۳۰"
    assert format_jalali_date(moment, "en") == "1403/01/01"


def test_a_naive_datetime_is_read_as_tehran_wall_time():
    assert format_jalali_datetime(datetime(2024, 3, 20, 8, 5), "en") == "1403/01/01 08:05"


def test_tehran_day_of_an_aware_datetime():
    assert tehran_day(datetime(2024, 3, 19, 20, 29, 59, tzinfo=UTC)) == date(2024, 3, 19)
    assert tehran_day(datetime(2024, 3, 19, 20, 30, tzinfo=UTC)) == date(2024, 3, 20)
    # Before 2022 Iran kept summer time (+04:30); zoneinfo knows the history.
    assert tehran_day(datetime(2021, 6, 1, 19, 45, tzinfo=UTC)) == date(2021, 6, 2)
    assert tehran_day(datetime(2023, 6, 1, 19, 45, tzinfo=UTC)) == date(2023, 6, 1)


def test_tehran_day_refuses_a_naive_datetime():
    with pytest.raises(ValueError):
        tehran_day(datetime(2024, 3, 20, 12, 0))


@pytest.mark.parametrize(
    ("day", "saturday"),
    [
        (date(2024, 10, 5), date(2024, 10, 5)),  # a Saturday starts its own week
        (date(2024, 10, 6), date(2024, 10, 5)),  # Sunday
        (date(2024, 10, 11), date(2024, 10, 5)),  # Friday ends the week
        (date(2024, 10, 12), date(2024, 10, 12)),
        (date(2024, 3, 1), date(2024, 2, 24)),  # across a month end
    ],
)
def test_week_starts_on_saturday(day, saturday):
    assert week_start(day) == saturday
    assert week_start(day).weekday() == 5


def test_week_start_of_a_utc_friday_night_is_the_next_week_in_tehran():
    # 21:00 UTC on Friday 11 October is 00:30 on Saturday in Tehran: a new week.
    assert week_start(datetime(2024, 10, 11, 21, 0, tzinfo=UTC)) == date(2024, 10, 12)


@pytest.mark.parametrize(
    ("day", "farvardin_first"),
    [
        (date(2025, 3, 20), date(2024, 3, 20)),  # 30 Esfand 1403
        (date(2025, 3, 21), date(2025, 3, 21)),  # 1 Farvardin 1404
        (date(2024, 12, 31), date(2024, 3, 20)),
        (date(2024, 3, 19), date(2023, 3, 21)),
    ],
)
def test_jalali_year_starts_on_farvardin_first(day, farvardin_first):
    assert jalali_year_start(day) == farvardin_first


def test_year_start_of_a_moment_uses_the_tehran_day():
    assert jalali_year_start(datetime(2025, 3, 20, 21, 0, tzinfo=UTC)) == date(2025, 3, 21)


def test_jalali_month_start():
    assert jalali_month_start(date(2024, 10, 6)) == date(2024, 9, 22)  # 1 Mehr 1403
    assert jalali_month_start(date(2024, 3, 20)) == date(2024, 3, 20)


@pytest.mark.parametrize(
    "typed",
    ["۱۴۰۳/۰۱/۰۱ ۰۸:۳۰", "1403/01/01 8:30", "1403-1-1T08:30", "۱۴۰۳/۰۱/۰۱، ۰۸:۳۰"],
)
def test_date_and_time_are_read_as_tehran_time(typed):
    moment = parse_jalali_datetime(typed)
    assert moment.tzinfo is TEHRAN
    assert moment == datetime(2024, 3, 20, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1403/01/01", "format"),
        ("1403/01/01 24:00", "time"),
        ("1403/01/01 12:60", "time"),
        ("1403/01/01 8", "format"),
        ("1404/12/30 08:00", "day"),
    ],
)
def test_bad_date_and_time_are_refused(typed, code):
    with pytest.raises(JalaliDateError) as error:
        parse_jalali_datetime(typed)
    assert error.value.code == code
