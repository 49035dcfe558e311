"""The public statistics page in a real browser, in Persian and in English."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from kalantar.core import periods
from kalantar.core.jalali import TEHRAN, tehran_today
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.services import close_incident, open_incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _closed(org_tree, category, n, lon=48.55, lat=34.85):
    month = periods.last_complete_month(tehran_today())
    at = datetime.combine(month.first + timedelta(days=2), time(10), tzinfo=TEHRAN)
    for _ in range(n):
        incident = open_incident(
            by=None,
            report=IncidentReport(
                source="patrol", category=category, lon=lon, lat=lat, occurred_at=at, received_at=at
            ),
            station=org_tree["HM01K01"],
        )
        close_incident(by=None, incident=incident, outcome="رسیدگی شد", at=at + timedelta(hours=1))


def test_statistics_page_with_chart_map_and_csv(live_server, browser, page, org_tree):
    _closed(org_tree, "home-burglary", 11)
    _closed(org_tree, "fraud", 2, lon=48.52, lat=34.82)
    page.goto(f"{live_server.url}/transparency/?unit=HM01K01")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.wait_for_selector("#cells-map path.leaflet-interactive")
    assert page.locator("#cells-map path.leaflet-interactive").count() == 2
    assert page.locator("#category-chart").count() == 1
    assert page.inner_text("#incidents-total").strip() == "۱۵"
    row = page.locator("#by-category tr[data-category=fraud] .count")
    assert row.inner_text() == "کمتر از ۵"
    assert "unit=HM01K01" in page.get_attribute("#csv-link", "href")
    page.click("#how-to-complain")
    page.wait_for_selector("#help")

    context = browser.new_context(locale="en")
    context.add_cookies([{"name": "kalantar_language", "value": "en", "url": live_server.url}])
    english = context.new_page()
    english.goto(f"{live_server.url}/transparency/?unit=HM01K01")
    assert english.locator("html").get_attribute("dir") == "ltr"
    assert (
        english.locator("#by-category tr[data-category=fraud] .count").inner_text()
        == "fewer than 5"
    )
    assert english.inner_text("#by-category tr[data-category=home-burglary] .count") == "10"
    context.close()
