from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from kalantar.complaints.models import Complaint
from kalantar.core.jalali import format_jalali_datetime

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _persian(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_file_online_confirm_then_follow_the_complaint(live_server, page, org_tree):
    page.goto(f"{live_server.url}/complaint/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.select_option("#id_category", label="سرقت از منزل")
    page.fill("#id_summary", "سرقت طلا از منزل")
    page.fill("#id_narrative", "دیشب درب منزل را شکستند و طلاها را بردند.")
    page.fill("#id_complainant_name", "علی رضایی")
    page.fill("#id_national_code", "۰۴۹۹۳۷۰۸۹۹")
    page.fill("#id_mobile", "09121234567")
    yesterday = timezone.now() - timedelta(days=1)
    page.fill("#id_incident_at", format_jalali_datetime(yesterday, "fa"))
    page.keyboard.press("Escape")
    # The stations' areas are drawn in code order: the first is HM01K01.
    page.wait_for_selector("#picker-map path.leaflet-interactive")
    box = page.locator("#picker-map path.leaflet-interactive").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "() => document.querySelector('#picked-station').textContent.includes('کلانتری ۱۱ همدان')"
    )
    page.click("#complaint-form button[type=submit]")

    page.wait_for_url(f"{live_server.url}/complaint/confirm/")
    assert "کلانتری ۱۱ همدان" in page.inner_text("#handling-unit")
    assert Complaint.objects.count() == 0
    page.click("#confirm-form button[type=submit]")

    page.wait_for_selector("#tracking-code")
    complaint = Complaint.objects.get()
    assert complaint.unit.code == "HM01K01" and complaint.channel == "online"
    shown = page.inner_text("#tracking-code").replace("-", "")
    assert shown == _persian(complaint.tracking_code)
    assert page.locator("svg.receipt-qr").count() == 1

    page.click(f"a[href='/track/?code={complaint.tracking_code}']")
    assert page.input_value("#id_code") == complaint.tracking_code
    page.fill("#id_secret", "۰۴۹۹۳۷۰۸۹۹")
    page.click("#track-form button[type=submit]")
    page.wait_for_selector("#complaint-status")
    registered = page.locator("#timeline [data-status='registered']")
    assert registered.count() == 1
    with translation.override("fa"):
        label = translation.gettext("Registered")
    assert label in registered.inner_text()
    assert page.inner_text("#status-label") == label
    assert _persian(complaint.tracking_code[:3]) in page.inner_text("#tracking-code")
