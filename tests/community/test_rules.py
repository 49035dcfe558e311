"""The pure rules: what an alert may say, quiet hours, drawn areas as H3 cells."""

from datetime import datetime, time

import pytest

from kalantar.community import rules
from kalantar.core.jalali import TEHRAN
from tests.community.conftest import national_code, square


@pytest.mark.parametrize(
    "text",
    [
        f"مظنون با کد ملی {national_code(3)} شناسایی شد",
        "با شمارهٔ ۰۹۱۲۳۴۵۶۷۸۹ تماس بگیرید",
        "شماره 0912 345 6789 را دیدید خبر دهید",
        "تماس: +98-912-345-6789",
    ],
)
def test_numbers_that_identify_someone_are_found(text):
    assert rules.identifying_numbers(text)


@pytest.mark.parametrize(
    "text",
    ["سه سرقت در هفتهٔ گذشته در خیابان ۱۲ فروردین", "با ۱۱۰ تماس بگیرید", "پلاک ۱۲۳۴۵"],
)
def test_ordinary_numbers_pass(text):
    assert rules.identifying_numbers(text) == []


def test_quiet_hours_that_span_midnight():
    assert rules.in_quiet_hours(time(23, 30), time(22), time(7))
    assert rules.in_quiet_hours(time(6, 59), time(22), time(7))
    assert not rules.in_quiet_hours(time(7), time(22), time(7))
    assert not rules.in_quiet_hours(time(12), None, None)


def test_a_message_in_quiet_hours_waits_for_their_end():
    night = datetime(2026, 12, 6, 23, 30, tzinfo=TEHRAN)
    after = rules.after_quiet_hours(night, time(22), time(7))
    assert after == datetime(2026, 12, 7, 7, 0, tzinfo=TEHRAN)
    noon = night.replace(hour=12)
    assert rules.after_quiet_hours(noon, time(22), time(7)) == noon


def test_a_drawn_area_becomes_cells_and_a_bad_one_is_refused():
    cells = rules.polygon_cells(square(48.5, 34.8, 0.01))
    assert 5 < len(cells) < 20  # about 1 km², cells of ~0.1 km²
    with pytest.raises(rules.AreaError):
        rules.polygon_cells({"type": "Polygon", "coordinates": "nonsense"})
    with pytest.raises(rules.AreaError):
        rules.typed_cells("not-a-cell")
