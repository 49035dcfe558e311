"""The disclosure rules, checked against a reader who tries every consistent combination."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kalantar.core import periods
from kalantar.portal.disclosure import FEWER, WITHHELD, bounds, protect, publish


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, 0), (1, FEWER), (4, FEWER), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15), (1002, 1000)],
)
def test_counts_below_5_are_hidden_and_the_rest_rounded_to_5(n, shown):
    assert publish(n).as_json() == shown
    low, high = bounds(publish(n))
    assert low <= n <= high


def _candidates(count, cap):
    low, high = bounds(count)
    return range(int(low), int(min(high, cap)) + 1)


def _assignments(table, cap):
    keys = list(table)
    for values in itertools.product(*(_candidates(table[k], cap) for k in keys)):
        yield sum(values), dict(zip(keys, values, strict=True))


def _assignments_by_total(table, cap, t_low, t_high) -> dict[int, list[dict]]:
    sums: dict[int, list[dict]] = {}
    for s, values in _assignments(table, cap):
        if t_low <= s <= t_high:
            sums.setdefault(s, []).append(values)
    return sums


def _possible_values(table, sums, feasible_totals) -> dict[str, set[int]]:
    """Every value each cell takes in some assignment whose total is feasible everywhere."""
    possible: dict[str, set[int]] = {k: set() for k in table}
    for s in feasible_totals:
        for values in sums[s]:
            for k, v in values.items():
                possible[k].add(v)
    return possible


def _assert_no_small_count_recoverable(raw_tables):
    """A reader who knows the rules tries every combination of true values consistent with
    the published total and every published breakdown of it (all sharing one total)."""
    total = sum(raw_tables[0].values())
    published_total, published = protect(total, raw_tables)
    cap = max(total, 5) + 5
    t_low, t_high = bounds(published_total) if published_total.as_json() != WITHHELD else (0, cap)
    by_sum = [_assignments_by_total(table, cap, t_low, t_high) for table in published]
    feasible_totals = set.intersection(*(set(sums) for sums in by_sum))
    assert total in feasible_totals
    for table, sums in zip(published, by_sum, strict=True):
        possible = _possible_values(table, sums, feasible_totals)
        for key, count in table.items():
            if count.as_json() == FEWER:
                assert len(possible[key]) >= 2, (raw_tables, key, possible[key])
    # Whatever was published is consistent with the truth.
    for raw, table in zip(raw_tables, published, strict=True):
        for key, count in table.items():
            low, high = bounds(count)
            assert low <= raw[key] <= high


@pytest.mark.parametrize(
    "tables",
    [
        [{"a": 5, "b": 1, "c": 1}],  # total 7 rounds to 5: b and c would be exactly 1
        [{"a": 97, "b": 3}],
        [{"a": 2, "b": 1}],
        [{"a": 5, "b": 1}],
        [{"a": 10, "b": 1, "c": 1, "d": 1}, {"x": 6, "y": 7}],
        [{"a": 5, "b": 5, "c": 2}, {"x": 12}],
        [{"a": 4, "b": 4}, {"x": 8}],  # the other breakdown pins the total at exactly 8
    ],
)
def test_corner_cases_of_subtraction(tables):
    _assert_no_small_count_recoverable(tables)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=14), min_size=1, max_size=4))
def test_no_small_count_can_be_worked_out_from_the_total(values):
    _assert_no_small_count_recoverable([{f"c{i}": v for i, v in enumerate(values)}])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=3),
    st.integers(min_value=0, max_value=6),
)
def test_two_breakdowns_of_the_same_total(values, split_at):
    total = sum(values)
    split_at = min(split_at, total)
    other = {"x": total} if split_at == 0 else {"x": max(total - split_at, 0), "y": split_at}
    other = {k: v for k, v in other.items() if v}
    _assert_no_small_count_recoverable([{f"c{i}": v for i, v in enumerate(values)}, other])


def test_months_jalali_and_gregorian():
    mehr = periods.parse_month("۱۴۰۴-۰۷")
    assert mehr.jalali and mehr.first.isoformat() == "2025-09-23"
    assert mehr.last.isoformat() == "2025-10-22"
    october = periods.parse_month("2025-10")
    assert not october.jalali and october.last.isoformat() == "2025-10-31"
    assert october.jalali_code == "1404-07"
    esfand = periods.parse_month("1403-12")
    assert esfand.last.isoformat() == "2025-03-20"
    for bad in ("1404-13", "1404/7/1", "abc", "0900-01", ""):
        with pytest.raises(periods.PeriodError):
            periods.parse_month(bad)
