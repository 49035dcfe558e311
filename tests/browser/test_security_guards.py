"""Security guards in a real browser: the registrar takes an application from the form to
a licence; anyone checks a card (valid, then revoked); a station sees who is on duty."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.core.jalali import format_jalali_date, tehran_today
from kalantar.security_firms import services
from kalantar.security_firms.models import Guard, VettingCheck
from tests.browser.login import log_in
from tests.security_firms.conftest import CODES, make_licensed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def institution(org_tree):
    return services.create_institution(
        by=None,
        licence_number="HM-100",
        name="مؤسسه انتظام البرز",
        province=org_tree["HM"],
        licence_issued=tehran_today() - timedelta(days=100),
        licence_expires=tehran_today() + timedelta(days=700),
        activities=["guarding", "escort"],
    )


def test_the_registrar_takes_an_application_to_a_licence(live_server, page, make_user, institution):
    make_user("registrar", "security_registrar", "HM")
    log_in(page, live_server, "registrar")
    page.goto(f"{live_server.url}/guards/desk/")
    page.click("#new-application")
    page.select_option("#id_institution", str(institution.pk))
    page.fill("#id_national_code", "۰۰۸۴۵۷۵۹۴۸")
    page.fill("#id_first_name", "علي")  # Arabic yeh, as some keyboards type it
    page.fill("#id_last_name", "رضایی")
    page.fill("#id_birth_date", "۱۳۶۹/۰۲/۱۱")
    page.check("input[name=activities][value=guarding]")
    page.click("#application-form button[type=submit]")
    page.wait_for_load_state()
    assert "علی رضایی" in page.inner_text("h1")
    for item in VettingCheck.Item.values:
        page.select_option("#check-form select[name=item]", item)
        page.select_option("#check-form select[name=result]", "passed")
        page.click("#check-form button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("#checklist .result-passed").count() == len(VettingCheck.Item.values)
    page.click("#licence-form button[type=submit]")
    page.wait_for_load_state()
    assert "آموزش پیش از نخستین به‌کارگیری کامل نیست" in page.inner_text("body")
    page.fill("#training-form input[name=course]", "دوره پایه")
    page.fill("#training-form input[name=hours]", "۸")
    page.fill("#training-form input[name=provider]", "مرکز آموزش")
    page.fill(
        "#training-form input[name=completed_on]",
        format_jalali_date(tehran_today() - timedelta(days=1)),
    )
    page.click("#training-form button[type=submit]")
    page.wait_for_load_state()
    page.click("#licence-form button[type=submit]")
    page.wait_for_load_state()
    guard = Guard.objects.get()
    assert guard.status == "active"
    assert "معتبر" in page.inner_text("h1")
    page.goto(f"{live_server.url}/guards/desk/")
    assert "علی رضایی" not in page.inner_text("#applications")


def test_anyone_checks_a_card_valid_then_revoked(live_server, page, institution):
    guard = make_licensed(institution, CODES[1])
    page.goto(f"{live_server.url}/guards/check/")
    page.fill("#check-form input[name=number]", guard.licence_number.lower())
    page.click("#check-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#status-valid").is_visible()
    assert "علی رضایی" in page.inner_text("#check-answer")
    assert guard.national_code not in page.content()
    services.change_status(by=None, guard=guard, status="revoked", reason="حکم دادگاه")
    page.reload()
    assert page.locator("#status-revoked").is_visible()
    assert "حکم دادگاه" not in page.content()  # the reason stays with the register


def test_a_station_sees_who_is_on_duty_on_its_map(live_server, page, make_user, institution):
    guard = make_licensed(institution, CODES[1])
    site = services.create_site(
        by=None, institution=institution, name="بانک مرکزی", lon=48.55, lat=34.85
    )
    post = services.add_post(by=None, site=site, name="درب اصلی")
    now = timezone.now()
    shift = services.add_shift(
        by=None, post=post, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7)
    )
    services.assign(by=None, shift=shift, guard=guard)
    make_user("chief1", "station_chief", "HM01K01")
    log_in(page, live_server, "chief1")
    page.goto(f"{live_server.url}/guards/on-duty/")
    page.wait_for_selector("#duty-map[data-ready]")
    assert page.get_attribute("#duty-map", "data-posts") == "1"
    assert "علی رضایی" in page.inner_text("#on-duty")
    page.locator("#duty-map .leaflet-interactive").first.hover()
    assert "علی رضایی" in page.inner_text(".leaflet-tooltip")
    services.change_status(by=None, guard=guard, status="suspended", reason="بررسی شکایت")
    page.reload()
    assert "علی رضایی" not in page.inner_text("#on-duty")
    assert "بررسی شکایت" in page.inner_text("#notices")
