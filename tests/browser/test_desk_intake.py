from __future__ import annotations

import pytest

from kalantar.complaints.models import Complaint
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
        "document.querySelector('#id_national_code-error').textContent.trim() !== ''"
    )
    page.fill("#id_national_code", "۰۴۹۹۳۷۰۸۹۹")
    page.locator("#id_national_code").blur()
    page.wait_for_function(
        "document.querySelector('#id_national_code-error').textContent.trim() === ''"
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
        "document.querySelector('#picked-station').textContent.includes('کلانتری')"
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
