"""The station chief's morning page and the CompStat page, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kalantar.analytics.models import SurgeAlert
from kalantar.core.jalali import tehran_today
from kalantar.incidents import services
from kalantar.incidents.importer import import_text
from kalantar.org.models import Unit
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _history():
    """Incidents at station HM01K01 over the last 60 days; five of them yesterday evening."""
    yesterday = tehran_today() - timedelta(days=1)
    lines = ["occurred_at,category,lat,lon"]
    for back in range(2, 60):
        day = yesterday - timedelta(days=back)
        lines.append(f"{day.isoformat()}T10:00:00+03:30,fraud,34.85,48.5{back % 9 + 1}")
    for k in range(5):
        lines.append(f"{yesterday.isoformat()}T1{k}:30:00+03:30,snatching,34.81{k},48.512")
    import_text("\n".join(lines) + "\n")
    station = Unit.objects.get(code="HM01K01")
    services.add_patrol_unit(by=None, station=station, call_sign="11-1", lon=48.55, lat=34.85)
    SurgeAlert.objects.create(
        station=station,
        category="snatching",
        day=yesterday,
        current=14,
        baseline_mean=3.0,
        z=4.0,
        p=1e-5,
    )


def _login(page, live_server, username):
    log_in(page, live_server, username)


def test_morning_page(live_server, page, make_user):
    make_user("chief", "station_chief", "HM01K01")
    _history()
    _login(page, live_server, "chief")
    page.click("a[href='/analytics/morning/']")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "گزارش صبحگاهی" in page.inner_text("h1")
    # Yesterday's five incidents, counted in Persian digits.
    assert page.inner_text("#yesterday .badge") == "۵"
    assert page.locator("#yesterday li").count() == 5
    # The open alert, with its figures.
    assert "کیف‌قاپی" in page.inner_text("#surge-alerts")
    assert "۱۴" in page.inner_text("#surge-alerts")
    # Unit status and the hotspot map drawn from the API.
    assert "آماده: ۱" in page.inner_text("#unit-status")
    page.wait_for_selector("#hotspot-map[data-ready='1']")
    assert page.locator("#hotspot-map path.leaflet-interactive").count() > 5


def test_compstat_page(live_server, page, make_user):
    make_user("county", "county_commander", "HM01")
    _history()
    _login(page, live_server, "county")
    page.goto(f"{live_server.url}/analytics/compstat/")
    assert "آمار مقایسه‌ای" in page.inner_text("h1")
    total = page.inner_text("#compstat-total")
    assert "جمع" in total
    page.wait_for_selector("#trend-chart[data-ready='1']")
    # Choosing a station the county commands narrows the table to it.
    page.select_option("#id_unit", "HM01K02")
    page.click("#unit-form button[type=submit]")
    page.wait_for_load_state()
    assert "کلانتری ۱۲" in page.inner_text("h1")
    assert "رویدادی نیست" in page.inner_text("#compstat-table")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
