"""The problem-solving flow in a real browser: a surge alert becomes a project, a referral
goes to the municipality, the municipality answers through its link, the station closes
it, the assessment is computed from incidents and the commander sees the agency's record."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from kalantar.analytics.models import SurgeAlert
from kalantar.core.jalali import TEHRAN, format_jalali_date, tehran_today
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.services import open_incident
from kalantar.problems import services
from kalantar.problems.drafts import AgencyDraft
from kalantar.problems.models import Referral
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    log_in(page, live_server, username)


def _incidents(org_tree, day, n):
    for _ in range(n):
        open_incident(
            by=None,
            report=IncidentReport(
                source="call_110",
                category="snatching",
                lon=48.55,
                lat=34.85,
                occurred_at=datetime.combine(day, time(21), tzinfo=TEHRAN),
            ),
            station=org_tree["HM01K01"],
        )


def test_alert_to_project_referral_answer_and_assessment(
    live_server, browser, page, make_user, org_tree
):
    make_user("chief", "station_chief", "HM01K01")
    make_user("county", "county_commander", "HM01")
    services.create_agency(
        by=None,
        unit=org_tree["HM"],
        draft=AgencyDraft(name="شهرداری همدان", kind="municipality", email="city@hamedan.example"),
    )
    today = tehran_today()
    alert = SurgeAlert.objects.create(
        station=org_tree["HM01K01"],
        category="snatching",
        day=today,
        current=12,
        baseline_mean=4.0,
        z=3.1,
        p=0.001,
    )
    _incidents(org_tree, today - timedelta(days=25), 5)
    _incidents(org_tree, today - timedelta(days=15), 2)

    _login(page, live_server, "chief")
    answer_url = _open_project_and_refer(page, live_server, alert, today)
    referral = Referral.objects.get()
    _agency_answers(browser, live_server, answer_url)

    page.reload()
    assert page.get_attribute("#referral-status .badge", "data-status") == "done"
    page.click("#close-referral-form button[type=submit]")
    page.wait_for_selector("#referral-closed")

    page.goto(f"{live_server.url}/problems/{referral.problem.number}/")
    page.fill("#id_response_start", format_jalali_date(today - timedelta(days=20), "fa"))
    page.fill("#id_response_end", format_jalali_date(today - timedelta(days=11), "fa"))
    page.keyboard.press("Escape")
    page.click("#response-form button[type=submit]")
    page.wait_for_selector("#assess-form")
    page.click("#assess-form button[type=submit]")
    page.wait_for_selector("#assessment-area")
    cells = page.locator("#assessment-area td").all_inner_texts()
    assert cells[:2] == ["۵", "۲"]

    page.context.clear_cookies()
    _login(page, live_server, "county")
    page.goto(f"{live_server.url}/problems/responsiveness/")
    row = page.locator("#responsiveness tbody tr").first
    assert "شهرداری همدان" in row.inner_text()
    assert row.locator(".answered").inner_text() == "۱"
    assert row.locator(".on-time").inner_text() == "۱"


def _open_project_and_refer(page, live_server, alert, today) -> str:
    """The chief opens a project from the surge alert and refers it to the municipality;
    the answer link the agency receives."""
    page.goto(f"{live_server.url}/problems/new/?alert={alert.pk}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.click("#alert-form button[type=submit]")
    page.wait_for_selector("#scanning")
    assert "کیف‌قاپی" in page.inner_text("#scanning")
    assert page.inner_text("#figures-total").strip() == "۷"

    page.click("#referral-details summary")
    page.select_option("#referral-form select[name=agency]", label="شهرداری همدان")
    page.fill("#referral-form [name=subject]", "روشنایی کوچه‌ها")
    page.fill("#referral-form [name=evidence]", "کیف‌قاپی شبانه در کوچه‌های تاریک")
    page.fill("#referral-form [name=ask]", "ترمیم چراغ‌های خاموش")
    page.fill("#referral-form [name=deadline]", format_jalali_date(today + timedelta(days=7), "fa"))
    page.keyboard.press("Escape")
    page.click("#referral-form button[type=submit]")
    page.wait_for_selector("#answer-link")
    assert Referral.objects.get().status == "sent"
    return page.get_attribute("#answer-link", "href")


def _agency_answers(browser, live_server, answer_url) -> None:
    """The municipality, without an account, answers in its own browser."""
    agency = browser.new_context(locale="fa-IR").new_page()
    agency.goto(answer_url.replace("http://127.0.0.1:8000", live_server.url))
    agency.select_option("#id_status", "done")
    agency.fill("#id_responder", "مهندس رحیمی، معاون خدمات شهری")
    agency.fill("#id_note", "۱۲ چراغ تعمیر شد")
    agency.click("#answer-form button[type=submit]")
    agency.wait_for_selector("#answer-received")
    # An altered link changes nothing and says so in Persian.
    agency.goto(answer_url.replace("http://127.0.0.1:8000", live_server.url)[:-3] + "abc/")
    assert "معتبر نیست" in agency.inner_text("#link-error")
    agency.context.close()
