"""The pure parts of tours and reviews: checkpoint codes, judging a scan, codes in texts."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from kalantar.security_firms import tour_codes, tour_rules
from kalantar.security_firms.reviews import national_codes_in

KEY, OTHER_KEY = b"the-tour-key", b"somebody-elses-key"
NOON = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_a_code_is_accepted_in_its_window_and_names_its_checkpoint():
    code = tour_codes.make_code(KEY, 42, NOON)
    assert tour_codes.verify(KEY, code, now=NOON + timedelta(minutes=29)).checkpoint_id == 42


def test_a_code_changes_every_thirty_minutes():
    assert tour_codes.make_code(KEY, 1, NOON) != tour_codes.make_code(
        KEY, 1, NOON + timedelta(minutes=30)
    )


def test_a_photo_of_an_old_code_is_refused_as_expired():
    code = tour_codes.make_code(KEY, 42, NOON)
    with pytest.raises(tour_codes.CodeError) as error:
        tour_codes.verify(KEY, code, now=NOON + timedelta(minutes=35))
    assert error.value.reason == tour_codes.EXPIRED


def test_a_code_read_just_after_the_screen_changed_is_still_accepted():
    code = tour_codes.make_code(KEY, 42, NOON + timedelta(minutes=29))
    assert tour_codes.verify(KEY, code, now=NOON + timedelta(minutes=31)).checkpoint_id == 42


def test_a_code_signed_with_another_key_is_refused_as_forged_even_when_old():
    code = tour_codes.make_code(OTHER_KEY, 42, NOON - timedelta(days=3))
    with pytest.raises(tour_codes.CodeError) as error:
        tour_codes.verify(KEY, code, now=NOON)
    assert error.value.reason == tour_codes.FORGED


def test_a_code_whose_checkpoint_was_changed_is_refused_as_forged():
    _checkpoint, window, signature = tour_codes.parse(tour_codes.make_code(KEY, 42, NOON))
    with pytest.raises(tour_codes.CodeError) as error:
        tour_codes.verify(KEY, f"KT1.43.{window}.{signature}", now=NOON)
    assert error.value.reason == tour_codes.FORGED


@pytest.mark.parametrize("code", ["", "hello", "KT1.x.1.abc", "KT2.1.1.abc", "KT1.1.1"])
def test_anything_else_is_malformed(code):
    with pytest.raises(tour_codes.CodeError) as error:
        tour_codes.verify(KEY, code, now=NOON)
    assert error.value.reason == tour_codes.MALFORMED


def _judge(at_minutes: int, order: int = 1, done=(), distance=None):
    return tour_rules.judge(
        due=NOON,
        at=NOON + timedelta(minutes=at_minutes),
        order=order,
        scanned_orders=done,
        distance_m=distance,
        tolerance=timedelta(minutes=5),
        max_distance_m=200,
    )


def test_a_scan_within_the_tolerance_is_clean():
    assert _judge(4, distance=30).clean


def test_a_scan_after_the_tolerance_is_late_by_the_minutes_past_the_due_time_and_tolerance():
    verdict = _judge(12)
    assert verdict.late and verdict.minutes_late == 7


def test_a_stop_scanned_after_a_later_one_is_out_of_order():
    assert _judge(0, order=2, done=[3]).out_of_order
    assert not _judge(0, order=3, done=[1, 2]).out_of_order


def test_a_scan_two_kilometres_away_is_too_far():
    verdict = _judge(0, distance=2000.4)
    assert verdict.too_far and verdict.distance_m == 2000


def test_missed_stops_are_those_without_a_scan():
    assert tour_rules.missed([1, 2, 3], [3, 1]) == [2]


def test_a_round_is_found_from_its_start_until_its_end_and_tolerance():
    times = tour_rules.parse_start_times("22:00، 02:00")
    assert times == [time(2), time(22)]
    start = datetime(2026, 12, 5, 22, 0, tzinfo=tour_rules.TEHRAN)
    found = tour_rules.current_start(
        times,
        start + timedelta(minutes=24),
        length=timedelta(minutes=20),
        tolerance=timedelta(minutes=5),
    )
    assert found == start
    late = start + timedelta(minutes=26)
    assert (
        tour_rules.current_start(
            times, late, length=timedelta(minutes=20), tolerance=timedelta(minutes=5)
        )
        is None
    )


def test_national_codes_are_found_in_persian_or_latin_digits_and_checked():
    text = "نگهبان با کد ملی ۰۰۸۴۵۷۵۹۴۸ و شخص دیگری 0013542419 و عدد 1234567890"
    assert national_codes_in(text) == {"0084575948", "0013542419"}
