"""The registrar's pages through the test client: the desk, an application decided step by
step, the card, and a refusal shown on the form in Persian."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kalantar.core.jalali import format_jalali_date, tehran_today
from kalantar.security_firms.models import Guard, VettingCheck
from tests.conftest import control_classes

from .conftest import CODES, make_applicant, make_licensed

pytestmark = pytest.mark.django_db


def test_the_desk_lists_applications_expiring_licences_and_overdue_training(
    client, registrar, institution
):
    make_applicant(institution, CODES[1], first_name="سجاد", last_name="امینی")
    soon = make_licensed(institution, CODES[2], first_name="بهروز", last_name="شریفی")
    soon.licence_expires = tehran_today() + timedelta(days=45)
    soon.save()
    late = make_licensed(institution, CODES[3], first_name="کاوه", last_name="نادری")
    late.first_deployed_on = tehran_today() - timedelta(days=60)
    late.save()
    late.trainings.update(hours=8)
    client.force_login(registrar)
    page = client.get("/guards/desk/").content.decode()
    applications = page[page.index('id="applications"') : page.index('id="expiring"')]
    assert "سجاد امینی" in applications
    expiring = page[page.index('id="expiring"') : page.index('id="overdue"')]
    assert "بهروز شریفی" in expiring
    assert "کاوه نادری" in page[page.index('id="overdue"') :]


def test_an_application_is_decided_through_the_guard_page(client, registrar, institution):
    client.force_login(registrar)
    response = client.post(
        "/guards/apply/",
        {
            "institution": institution.pk,
            "national_code": "۰۰۸۴۵۷۵۹۴۸",
            "first_name": "علی",
            "last_name": "رضایی",
            "birth_date": "۱۳۶۹/۰۲/۱۱",
            "activities": ["guarding"],
        },
    )
    guard = Guard.objects.get()
    assert response.status_code == 302
    url = f"/guards/{guard.pk}/act/"
    for item in VettingCheck.Item.values:
        client.post(url, {"action": "check", "item": item, "result": "passed", "note": ""})
    today = format_jalali_date(tehran_today() - timedelta(days=1))
    client.post(
        url,
        {
            "action": "training",
            "course": "دوره پایه",
            "hours": "16",
            "provider": "مرکز",
            "completed_on": today,
            "certificate_number": "",
        },
    )
    client.post(url, {"action": "licence"})
    guard.refresh_from_db()
    assert guard.status == "active" and guard.licence_number
    card = client.get(f"/guards/{guard.pk}/card/").content.decode()
    assert guard.licence_number in card and "<svg" in card


def test_a_refusal_is_shown_on_the_form_and_changes_nothing(client, registrar, institution):
    make_applicant(institution, CODES[1])
    client.force_login(registrar)
    response = client.post(
        "/guards/apply/",
        {
            "institution": institution.pk,
            "national_code": CODES[1],
            "first_name": "حسن",
            "last_name": "کریمی",
            "birth_date": "1370/01/01",
            "activities": ["guarding"],
        },
    )
    assert response.status_code == 400
    assert "نگهبانی با این کد ملی پیش‌تر ثبت شده است." in response.content.decode()
    assert Guard.objects.count() == 1


def test_the_application_form_styles_its_boxes_but_not_the_activity_ticks(client, registrar):
    client.force_login(registrar)
    classes = control_classes(client.get("/guards/apply/").content.decode())
    assert classes["institution"] == ["form-select"]
    assert classes["national_code"] == classes["photo"] == ["form-control"]
    assert "form-control" not in classes["activities"]
