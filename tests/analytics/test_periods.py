"""Impossible periods (a day to come, an end before the start, decades) are refused with
the same Persian message on every analytics page and API, and nothing is computed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kalantar.analytics.periods import MAX_PERIOD_DAYS, day_error, period_error
from kalantar.core.jalali import format_jalali_date, tehran_today
from tests.conftest import VerifiedClient

FUTURE = "روز نمی‌تواند در آینده باشد"
BACKWARDS = "پایان دوره پیش از آغاز آن است"


def client_for(user) -> VerifiedClient:
    c = VerifiedClient()  # county commanders give the second factor
    c.force_login(user)
    return c


def jalali(day: date) -> str:
    return format_jalali_date(day, "en")


def test_rules_without_a_database():
    today = date(2025, 3, 5)
    assert day_error(today, today=today) is None
    assert day_error(today + timedelta(days=1), today=today)
    assert period_error(today - timedelta(days=10), today, today=today) is None
    assert period_error(today, today - timedelta(days=1), today=today)
    assert period_error(today - timedelta(days=MAX_PERIOD_DAYS), today, today=today)
    assert period_error(today - timedelta(days=MAX_PERIOD_DAYS - 1), today, today=today) is None


@pytest.mark.parametrize("page", ["/analytics/compstat/", "/analytics/morning/"])
def test_a_future_day_is_refused_on_the_pages(org_tree, chief1, page):
    tomorrow = jalali(tehran_today() + timedelta(days=1))
    response = client_for(chief1).get(page, {"unit": "HM01K01", "date": tomorrow})
    html = response.content.decode()
    assert response.status_code == 200
    assert FUTURE in html and 'id="analysis-refused"' in html
    # Nothing computed: no table, no chart, no "significant" figures.
    assert "compstat-table" not in html and "trend-chart" not in html


def test_a_future_day_is_refused_by_the_export_and_the_api(org_tree, chief1):
    c = client_for(chief1)
    tomorrow = tehran_today() + timedelta(days=1)
    export = c.get("/analytics/compstat/export.csv", {"unit": "HM01K01", "date": jalali(tomorrow)})
    assert export.status_code == 400 and FUTURE in export.content.decode()
    api = c.get(f"/api/analytics/compstat?unit=HM01K01&date={tomorrow.isoformat()}")
    assert api.status_code == 400 and FUTURE in api.json()["detail"]


def test_a_backwards_period_is_refused_on_the_hotspot_page_data_and_api(org_tree, county_user):
    c = client_for(county_user)
    params = {"unit": "HM01", "start": "1403/12/10", "date": "1403/12/01"}
    page = c.get("/analytics/hotspots/", params).content.decode()
    assert BACKWARDS in page and 'id="hotspot-map"' not in page
    data = c.get("/analytics/hotspots/data/", params)
    assert data.status_code == 400 and BACKWARDS in data.json()["errors"][0]
    api = c.get("/api/analytics/hotspots?unit=HM01&start=2025-03-01&end=2025-02-20")
    assert api.status_code == 400 and BACKWARDS in api.json()["detail"]


def test_the_message_follows_the_language(org_tree, county_user):
    c = client_for(county_user)
    api = c.get(
        "/api/analytics/hotspots?unit=HM01&start=2025-03-01&end=2025-02-20",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert api.json()["detail"] == "The end of the period is before its start."
