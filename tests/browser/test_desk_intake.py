from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.services import file_complaint
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desk_intake_then_print_the_receipt(live_server, page, make_user):
    make_user("desk", "desk_officer", "HM01K01")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/complaints/new/")
    # Keyboard first: national code typed with Persian digits, checked as it is typed.
    page.fill("#id_national_code", "۰۴۹۹۳۷۰۸۹۸")
    page.locator("#id_national_code").blur()
    page.wait_for_function(
        "() => document.querySelector('#id_national_code-error').textContent.trim() !== ''"
    )
    page.fill("#id_national_code", "۰۴۹۹۳۷۰۸۹۹")
    page.locator("#id_national_code").blur()
    page.wait_for_function(
        "() => document.querySelector('#id_national_code-error').textContent.trim() === ''"
    )
    page.fill("#id_complainant_name", "علی رضایی")
    page.fill("#id_mobile", "09121234567")
    page.select_option("#id_category", label="سرقت از منزل")
    page.fill("#id_incident_at", "1404/08/01 10:30")
    page.keyboard.press("Escape")
    page.fill("#id_summary", "سرقت طلا از منزل")
    page.fill("#id_narrative", "دیشب درب منزل را شکستند و طلاها را بردند.")
    page.wait_for_selector("#picker-map path.leaflet-interactive")
    box = page.locator("#picker-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "() => document.querySelector('#picked-station').textContent.includes('کلانتری')"
    )
    page.click("#complaint-form button[type=submit]")
    page.wait_for_selector("#tracking-code")
    complaint = Complaint.objects.get()
    assert complaint.unit.code == "HM01K01" and complaint.national_code == "0499370899"
    shown = page.inner_text("#tracking-code").replace("-", "")
    assert shown == complaint.tracking_code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert page.locator("svg.receipt-qr").count() == 1
    page.click("a[href='?layout=thermal']")
    page.wait_for_selector("body.layout-thermal")

    # The QR's verification URL says the receipt is authentic; one changed character does not.
    url = page.get_attribute("#receipt-qr", "data-verify-url")
    path = url.split("://", 1)[1].split("/", 1)[1]
    page.goto(f"{live_server.url}/{path}")
    page.wait_for_selector("#receipt-authentic")
    assert page.locator("#record-matches").count() == 1
    forged = path.replace(complaint.unit.code, "HM01K02")
    page.goto(f"{live_server.url}/{forged}")
    page.wait_for_selector("#receipt-not-verified")


def test_the_thermal_receipt_prints_on_an_80_mm_roll(live_server, page, make_user):
    desk = make_user("desk", "desk_officer", "HM01K01")
    complaint = file_complaint(
        by=desk,
        channel="desk",
        draft=ComplaintDraft(
            category=Category.objects.get(code="lost-documents"),
            incident_at=timezone.now() - timedelta(hours=1),
            summary="مفقودی کارت ملی",
            narrative="کیف پول حاوی کارت ملی در تاکسی جا ماند.",
            complainant_name="مریم کریمی",
            national_code="0499370899",
        ),
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    for layout, width_mm in (("thermal", 80), ("a5", 148)):
        page.goto(
            f"{live_server.url}/complaints/{complaint.tracking_code}/receipt/?layout={layout}"
        )
        assert page.locator("html").get_attribute("dir") == "rtl"
        pdf = page.pdf(prefer_css_page_size=True)
        box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
        assert box, "no page size in the PDF"
        assert float(box.group(1)) / 72 * 25.4 == pytest.approx(width_mm, abs=1)
