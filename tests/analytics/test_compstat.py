"""CompStat against counts made independently from the raw incidents."""

from __future__ import annotations

import math
from datetime import date

import pytest

from kalantar.analytics import selectors
from kalantar.analytics.compstat import Comparison, periods
from kalantar.analytics.stats import poisson_z
from kalantar.org.models import Unit
from kalantar.org.selectors import UnitNotVisible, resolve_unit

DAY = date(2025, 3, 5)  # a Wednesday, 15 Esfand 1403
# Worked out by hand: the week began on Saturday 1 March; 1 Farvardin 1403 was
# 20 March 2024, 1 Farvardin 1402 was 21 March 2023, so 15 Esfand 1402 was 5 March 2024.
EXPECTED = {
    "week": ((date(2025, 3, 1), DAY), (date(2025, 2, 22), date(2025, 2, 26))),
    "d28": ((date(2025, 2, 6), DAY), (date(2025, 1, 9), date(2025, 2, 5))),
    "ytd": ((date(2024, 3, 20), DAY), (date(2023, 3, 21), date(2024, 3, 5))),
}


def test_periods_follow_the_iranian_calendar():
    got = {
        p.key: ((p.current.start, p.current.end), (p.previous.start, p.previous.end))
        for p in periods(DAY)
    }
    assert got == EXPECTED


def test_week_starting_on_saturday_itself():
    saturday = date(2025, 3, 1)
    week = periods(saturday)[0]
    assert (week.current.start, week.current.end) == (saturday, saturday)
    assert (week.previous.start, week.previous.end) == (date(2025, 2, 22), date(2025, 2, 22))


def _independent(rows, stations, category=None):
    result = {}
    for key, ((cs, ce), (ps, pe)) in EXPECTED.items():
        selected = [
            r
            for r in rows
            if r.station in stations and (category is None or r.category == category)
        ]
        current = sum(1 for r in selected if cs <= r.local_day <= ce)
        previous = sum(1 for r in selected if ps <= r.local_day <= pe)
        result[key] = (current, previous)
    return result


@pytest.mark.parametrize(
    ("unit", "stations"),
    [
        ("HM01K01", {"HM01K01"}),
        ("HM01", {"HM01K01", "HM01K02"}),
        ("HM", {"HM01K01", "HM01K02", "HM02K01"}),
    ],
)
def test_compstat_matches_raw_counts(history, province_user, unit, stations):
    table = selectors.compstat(user=province_user, unit=Unit.objects.get(code=unit), day=DAY)
    expected_total = _independent(history, stations)
    for key, (current, previous) in expected_total.items():
        figure = table.total.figures[key]
        assert (figure.current, figure.previous) == (current, previous), key
        assert figure.z == pytest.approx(2 * (math.sqrt(current) - math.sqrt(previous)))
    for row in table.rows:
        expected = _independent(history, stations, row.category)
        assert {k: (row.figures[k].current, row.figures[k].previous) for k in expected} == expected


def test_weekly_trend_sums_to_raw_counts(history, province_user):
    table = selectors.compstat(user=province_user, unit=Unit.objects.get(code="HM01K02"), day=DAY)
    first = table.trend_weeks[0]
    raw = sum(1 for r in history if r.station == "HM01K02" and first <= r.local_day <= DAY)
    assert sum(table.trend[""]) == raw
    assert table.trend_weeks[-1] == date(2025, 3, 1)


def test_poisson_z_and_flag():
    assert poisson_z(16, 4) == pytest.approx(4.0)
    assert poisson_z(4, 16) == pytest.approx(-4.0)

    assert Comparison(25, 9).flagged and not Comparison(3, 1).flagged
    # 3 against 1 is +200 % yet not flagged: the reason for the z-score.
    assert Comparison(3, 1).percent == 200.0


def test_a_station_cannot_read_another_stations_compstat(history, chief1):
    with pytest.raises(UnitNotVisible):
        selectors.compstat(user=chief1, unit=Unit.objects.get(code="HM01K02"), day=DAY)
    with pytest.raises(UnitNotVisible):
        resolve_unit(chief1, "HM01")
