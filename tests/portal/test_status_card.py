"""The status card (portal/_status_card.html): what a citizen reads after a lookup, in both
languages.

Rendered from a CitizenView alone, so no database is needed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.template.loader import render_to_string
from django.utils import translation

from kalantar.complaints import workflow
from kalantar.complaints.codes import format_tracking_code, new_tracking_code
from kalantar.complaints.selectors import CitizenStep, CitizenView
from kalantar.core.jalali import format_jalali_datetime

from .conftest import persian

FILED = datetime(2025, 10, 7, 10, 30, tzinfo=UTC)  # 1404/07/15 14:00 in Tehran
CODE = new_tracking_code()


def status_card(view: CitizenView) -> str:
    return render_to_string("portal/_status_card.html", {"view": view})


def _view(**overrides) -> CitizenView:
    fields = {
        "tracking_code": CODE,
        "category": "سرقت از منزل",
        "category_en": "Home burglary",
        "unit_name": "کلانتری 11 همدان",
        "unit_name_en": "Station 11 Hamedan",
        "status": workflow.REJECTED,
        "filed_at": FILED,
        "first_action_due": FILED,
        "closure_due": FILED,
        "events": [
            CitizenStep(kind="status", at=FILED, to_status=workflow.REGISTERED),
            CitizenStep(kind="status", at=FILED, to_status=workflow.REJECTED),
        ],
        "rejection_reason": "شکایت تکراری، شماره 12",
        "can_rate": False,
        "satisfaction": None,
    }
    return CitizenView(**{**fields, **overrides})


def test_persian_card_has_persian_digits_names_and_every_step():
    with translation.override("fa"):
        html = status_card(_view())
        rejected = workflow.status_label(workflow.REJECTED)
    assert f'id="tracking-code">{persian(format_tracking_code(CODE))}<' in html
    assert "کلانتری ۱۱ همدان" in html and "سرقت از منزل" in html
    assert f'id="status-label">{rejected}<' in html
    assert "شکایت تکراری، شماره ۱۲" in html  # the reason, in Persian digits
    assert format_jalali_datetime(FILED, "fa", style="long") in html
    assert html.count('<li class="list-group-item') == 2
    assert 'data-status="registered"' in html and 'data-status="rejected"' in html


def test_english_card_uses_the_english_names_and_latin_digits():
    with translation.override("en"):
        html = status_card(_view())
    assert f'id="tracking-code">{format_tracking_code(CODE)}<' in html
    assert "Station 11 Hamedan" in html and "Home burglary" in html
    assert "Handled by" in html and "Steps so far" in html
    assert format_jalali_datetime(FILED, "en", style="long") in html
    assert "۱" not in html


def test_english_card_falls_back_to_the_persian_name_without_an_english_one():
    with translation.override("en"):
        html = status_card(_view(unit_name_en="", category_en=""))
    assert "کلانتری 11 همدان" in html  # Latin digits on an English page


def test_no_reason_block_unless_rejected_with_a_reason():
    with translation.override("fa"):
        html = status_card(_view(status=workflow.ASSIGNED, rejection_reason=""))
    assert 'id="rejection-reason"' not in html


def test_every_value_is_escaped():
    with translation.override("fa"):
        html = status_card(
            _view(category='<script>alert("x")</script>', rejection_reason="<b>& \"'")
        )
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html and "&amp;" in html
