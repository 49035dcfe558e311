"""The inspector's case desk and the officer record's scoping, in a real browser."""

from __future__ import annotations

import pytest

from kalantar.inspection import services
from kalantar.inspection.drafts import CaseReport
from kalantar.people import services as people_services
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_inspector_finds_a_case_and_takes_it_to_investigation(
    live_server, page, make_user, org_tree
):
    make_user("insp1", "inspector", "HMINS")
    officer = make_user("accused1", "desk_officer", "HM01K01")
    for summary in ("رشوه‌خواهی در پذیرش", "برخورد تند با شاکی"):
        services.open_case(
            by=None,
            report=CaseReport(
                source_kind="citizen",
                station=officer.unit,
                summary=summary,
                accused_officer=officer,
            ),
        )
    log_in(page, live_server, "insp1")
    page.goto(f"{live_server.url}/inspection/")
    assert page.locator("#cases tbody tr").count() == 2
    page.fill("#id_q", "رشوه")
    page.click("#desk-filters button[type=submit]")
    assert page.locator("#cases tbody tr").count() == 1
    page.click("#cases tbody tr a")
    page.click("#step-form button[type=submit]")
    page.click("#step-form button[type=submit]")
    assert page.locator("#case-status").inner_text() == "تحقیق"
    page.select_option("#id_finding", "substantiated")
    page.click("#step-form button[type=submit]")  # a finding without a reason
    assert "دلیل این نتیجه را بنویسید" in page.locator("#step-errors").inner_text()
    assert page.locator("#case-status").inner_text() == "تحقیق"


def test_the_officer_record_shows_to_its_chief_and_not_to_another(
    live_server, page, make_user, org_tree
):
    officer = make_user("accused1", "desk_officer", "HM01K01")
    people_services.set_officer_profile(
        by=None, officer=officer, personnel_number="7001", rank="captain"
    )
    make_user("chief1", "station_chief", "HM01K01")
    make_user("chief2", "station_chief", "HM01K02")
    log_in(page, live_server, "chief1")
    page.goto(f"{live_server.url}/people/officers/")
    page.click("#officers tbody tr a")
    assert page.locator("#personnel-number").inner_text() == "۷۰۰۱"
    url = page.url
    page.context.clear_cookies()
    log_in(page, live_server, "chief2")
    response = page.goto(url)
    assert response.status == 404
    page.goto(f"{live_server.url}/people/officers/")
    assert "۷۰۰۱" not in page.locator("#officers").inner_text()
