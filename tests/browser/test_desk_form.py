"""The desk form in a browser: a returning complainant's details never add to what the officer
is typing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.complaints.services import file_complaint
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def returning(make_user):
    desk = make_user("desk", "desk_officer", "HM01K01")
    file_complaint(
        by=desk,
        channel="desk",
        draft=ComplaintDraft(
            category=Category.objects.get(code="lost-documents"),
            incident_at=timezone.now() - timedelta(days=3),
            summary="مفقودی کارت ملی",
            narrative="کیف پول حاوی کارت ملی در تاکسی جا ماند.",
            complainant_name="مریم کریمی",
            national_code="0499370899",
            mobile="09121234567",
            complainant_address="همدان، خیابان بوعلی",
        ),
    )
    return desk


def test_the_returning_complainant_fill_never_adds_to_what_the_officer_types(
    live_server, page, returning
):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/complaints/new/")
    # No category is chosen for the officer.
    assert page.input_value("#id_category") == ""

    # The look-up answers slowly: it is held until the officer is already in the name box.
    held = []
    page.route("**/complaints/complainant/**", lambda route: held.append(route))
    page.fill("#id_national_code", "0499370899")
    page.locator("#id_national_code").press("Tab")
    page.wait_for_timeout(300)
    assert held, "the look-up was not asked"
    page.focus("#id_complainant_name")
    held[0].continue_()
    page.wait_for_function(
        "() => document.querySelector('#returning-note').textContent.trim() !== ''"
    )
    page.keyboard.type("سارا احمدی")
    assert page.input_value("#id_complainant_name") == "سارا احمدی"
    # The boxes the officer left alone are filled in.
    assert page.input_value("#id_mobile") == "09121234567"

    # Another national code: what the first one filled goes, what the officer typed stays.
    page.fill("#id_complainant_address", "ملایر")
    page.fill("#id_national_code", "0012345679")
    page.locator("#id_national_code").press("Tab")
    page.wait_for_timeout(300)
    assert len(held) == 2
    held[1].continue_()
    page.wait_for_function("() => document.querySelector('#id_mobile').value === ''")
    assert page.input_value("#id_complainant_address") == "ملایر"
    assert page.input_value("#id_complainant_name") == "سارا احمدی"
