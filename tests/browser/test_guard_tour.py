"""A guard's tour scan from the phone page in a real browser: the checkpoint's QR address
opened on the phone, the phone's location sent with the scan, the flags shown."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.security_firms import tours
from kalantar.security_firms.models import Checkpoint, TourPlan, TourScan, TourStop
from kalantar.security_firms.tour_rules import TEHRAN
from tests.security_firms.field.conftest import GUARD_CODE, make_guard, make_institution, make_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tour(org_tree):
    institution = make_institution(org_tree["HM"], "HM-001", "موسسه نگاهبان الوند")
    site = make_site(institution, org_tree["HM01K01"], 48.55, 34.85, "فروشگاه الوند")
    start = timezone.now().astimezone(TEHRAN) - timedelta(minutes=2)
    plan = TourPlan.objects.create(site=site, name="گشت روزانه", start_times=f"{start:%H:%M}")
    gate = Checkpoint.objects.create(site=site, name="درِ ورودی", lon=48.5510, lat=34.8510)
    store = Checkpoint.objects.create(site=site, name="انبار", lon=48.5520, lat=34.8510)
    TourStop.objects.create(plan=plan, checkpoint=gate, order=1, minutes_after_start=0)
    TourStop.objects.create(plan=plan, checkpoint=store, order=2, minutes_after_start=10)
    return make_guard(institution, GUARD_CODE), gate, store


def _phone(browser, lon: float, lat: float):
    context = browser.new_context(
        locale="fa-IR",
        viewport={"width": 390, "height": 844},
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 10},
        permissions=["geolocation"],
    )
    return context, context.new_page()


def test_a_guard_scans_a_checkpoint_from_the_phone_page(live_server, browser, org_tree):
    guard, gate, store = _tour(org_tree)
    link = tours.issue_phone(by=None, guard=guard)
    context, page = _phone(browser, gate.lon + 0.0002, gate.lat)
    try:
        page.goto(f"{live_server.url}/guards/phone/{link}/")
        assert "مجید سلیمانی" in page.inner_text("main")
        page.goto(f"{live_server.url}/guards/scan/?c={tours.current_code(gate)}")
        page.wait_for_selector("form[data-located=yes]")
        if shots := os.environ.get("GUARD_SHOTS"):
            page.screenshot(path=f"{shots}/scan-fa.png", full_page=True)
        page.click("form.sf-locate button[type=submit]")
        result = page.inner_text("#scan-result")
        assert "بازدید ثبت شد" in result and "درِ ورودی" in result
        assert "به‌موقع، به‌ترتیب" in result
        if shots:
            page.screenshot(path=f"{shots}/scan-done-fa.png", full_page=True)
        scan = TourScan.objects.get()
        assert scan.lon == pytest.approx(gate.lon + 0.0002) and 15 <= scan.distance_m <= 25
        # The next checkpoint 2 km away: recorded, and flagged in plain words.
        context.set_geolocation({"longitude": store.lon + 0.022, "latitude": store.lat})
        page.goto(f"{live_server.url}/guards/scan/?c={tours.current_code(store)}")
        page.wait_for_selector("form[data-located=yes]")
        page.click("form.sf-locate button[type=submit]")
        assert "دور از نقطه" in page.inner_text("#scan-result")
    finally:
        context.close()


def test_a_photo_of_an_old_code_is_refused_on_the_phone(live_server, browser, org_tree):
    guard, gate, _store = _tour(org_tree)
    link = tours.issue_phone(by=None, guard=guard)
    old = tours.current_code(gate, timezone.now() - timedelta(hours=1))
    context, page = _phone(browser, gate.lon, gate.lat)
    try:
        page.goto(f"{live_server.url}/guards/phone/{link}/")
        page.goto(f"{live_server.url}/guards/scan/?c={old}")
        page.wait_for_selector("form[data-located=yes]")
        page.click("form.sf-locate button[type=submit]")
        assert "منقضی" in page.inner_text("main")
        assert not TourScan.objects.exists()
    finally:
        context.close()
