"""Desk intake: the form an officer fills in at the station, its checks, and the helpers
that make it fast (returning complainant, validation as you type)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kalantar.complaints.models import Category, Complaint
from kalantar.core.jalali import format_jalali_datetime
from kalantar.core.models import AuditEntry
from tests.complaints.conftest import INSIDE_K02, VALID_NATIONAL_CODE

PERSIAN_LETTERS = set("ابپتثجچحخدذرزسشصضطظعغفقکگلمنوهی")


@pytest.fixture
def desk(make_user):
    return make_user("desk", "desk_officer", "HM01K01")


def form(**overrides) -> dict:
    data = {
        "national_code": "۰۴۹۹۳۷۰۸۹۹",
        "complainant_name": "علی رضایی",
        "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
        "category": Category.objects.get(code="home-burglary").pk,
        "incident_at": format_jalali_datetime(timezone.now() - timedelta(hours=2), "fa"),
        "summary": "سرقت طلا از منزل",
        "narrative": "دیشب درب منزل را شکستند و طلاها را بردند.",
        "lat": "34.85",
        "lon": "48.55",
    }
    data.update(overrides)
    return data


def field_errors(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def is_persian(message: str) -> bool:
    return any(ch in PERSIAN_LETTERS for ch in message)


def test_a_desk_complaint_opens_its_receipt_ready_to_print(desk, client):
    client.force_login(desk)
    response = client.post(reverse("complaints:new"), form())
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("complaints:receipt", args=[complaint.tracking_code]) + "?autoprint=1"
    )
    assert complaint.channel == "desk" and complaint.received_by == desk
    assert complaint.national_code == VALID_NATIONAL_CODE and complaint.mobile == "09121234567"
    page = client.get(response["Location"]).content.decode()
    assert 'data-autoprint="1"' in page and "kalantar/print.js" in page and "<svg" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("incident_at", "1404/12/30 10:00"),  # 1404 is not a leap year
        ("incident_at", "۱۴۰۴/۱۲/۳۰ ۱۰:۰۰"),
        ("national_code", "0499370898"),  # wrong check digit
        ("mobile", "0912123"),
    ],
)
def test_bad_input_gets_a_persian_message_and_stores_nothing(desk, client, field, value):
    client.force_login(desk)
    response = client.post(reverse("complaints:new"), form(**{field: value}))
    assert response.status_code == 200
    errors = field_errors(response, field)
    assert errors and all(is_persian(e) for e in errors), errors
    assert Complaint.objects.count() == 0


def test_a_future_incident_time_is_refused(desk, client):
    client.force_login(desk)
    tomorrow = format_jalali_datetime(timezone.now() + timedelta(days=1), "fa")
    response = client.post(reverse("complaints:new"), form(incident_at=tomorrow))
    errors = field_errors(response, "incident_at")
    assert errors and is_persian(errors[0])
    assert Complaint.objects.count() == 0


def test_a_place_outside_every_jurisdiction_is_refused(desk, client):
    client.force_login(desk)
    response = client.post(reverse("complaints:new"), form(lat="30.0", lon="50.0"))
    assert response.status_code == 200
    assert Complaint.objects.count() == 0
    messages = [m for errors in response.context["form"].errors.values() for m in errors]
    assert any("حوزه" in m for m in messages), messages


def test_a_returning_complainant_is_found_by_national_code(desk, file, make_user, client):
    file(by=desk, channel="desk", complainant_address="همدان، خیابان بوعلی")
    client.force_login(desk)
    url = reverse("complaints:complainant_lookup")
    found = client.get(url, {"national_code": "۰۴۹۹۳۷۰۸۹۹"}).json()
    assert found["found"] and found["complainant_name"] == "علی رضایی"
    assert found["mobile"] == "09121234567" and found["complaints"] == 1
    assert AuditEntry.objects.filter(action="complaints.complainant_lookup", actor=desk).exists()
    assert client.get(url, {"national_code": "0012345679"}).json() == {"found": False}
    # Another station's officer learns nothing about this station's complainants.
    client.force_login(make_user("desk2", "desk_officer", "HM01K02"))
    assert client.get(url, {"national_code": VALID_NATIONAL_CODE}).json() == {"found": False}


def test_fields_are_checked_as_the_officer_types(desk, client):
    client.force_login(desk)
    url = reverse("complaints:validate_field", args=["national_code"])
    assert is_persian(client.get(url, {"national_code": "0499370898"}).content.decode())
    assert client.get(url, {"national_code": "۰۴۹۹۳۷۰۸۹۹"}).content == b""
    url = reverse("complaints:validate_field", args=["mobile"])
    assert is_persian(client.get(url, {"mobile": "12345"}).content.decode())
    assert client.get(url, {"mobile": "۰۹۱۲۱۲۳۴۵۶۷"}).content == b""


def test_overriding_the_station_needs_a_reason_and_is_recorded(desk, make_user, client):
    client.force_login(make_user("county", "county_commander", "HM01"))
    k01 = Complaint._meta.get_field("unit").related_model.objects.get(code="HM01K01")
    response = client.post(reverse("complaints:new"), form(station=k01.pk, **INSIDE_K02))
    assert Complaint.objects.count() == 0
    assert field_errors(response, "override_reason")
    response = client.post(
        reverse("complaints:new"),
        form(station=k01.pk, override_reason="شاکی ساکن حوزه ۱۱ است", **INSIDE_K02),
    )
    complaint = Complaint.objects.get()
    assert complaint.unit == k01 and complaint.routed_unit.code == "HM01K02"
    # Stored normalised: digits in Latin, shown in Persian by the templates.
    assert complaint.override_reason == "شاکی ساکن حوزه 11 است"
