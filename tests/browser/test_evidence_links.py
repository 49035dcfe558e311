"""An item's page in a real browser: its media facts, and the station chief confirming a
link the linker could only suggest."""

from __future__ import annotations

import os

import pytest

from kalantar.evidence import services
from kalantar.evidence.models import Camera, IncidentLink
from kalantar.incidents.models import PatrolUnit
from tests.browser.login import log_in
from tests.evidence.test_linking import _ingest, _shift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_chief_confirms_a_suggested_link(
    live_server, page, org_tree, tmp_path, settings, make_user
):
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    k01 = org_tree["HM01K01"]
    cameras = {
        serial: services.register_camera(by=None, serial=serial, kind=kind, station=k01)
        for serial, kind in (("BWC-101", Camera.Kind.BODY), ("CAR-7", Camera.Kind.CAR))
    }
    people = {
        "desk": make_user("desk1", "desk_officer", "HM01K01"),
        "officer": make_user("officer1", "desk_officer", "HM01K01"),
    }
    make_user("chief1", "station_chief", "HM01K01")
    _shift(cameras, people, PatrolUnit.objects.create(station=k01, call_sign="۱۱-الف"))
    body = _ingest(tmp_path, cameras, "BWC-101", "body.mp4")
    log_in(page, live_server, "chief1")
    page.goto(f"{live_server.url}/evidence/items/{body.pk}/")
    assert "مشخصات فیلم" in page.inner_text("#media-facts")
    if shots := os.environ.get("EVIDENCE_SHOTS"):
        page.screenshot(path=f"{shots}/item-fa.png", full_page=True)
    page.locator("#incident-links button[value=confirm]").first.click()
    page.wait_for_load_state()
    assert "پیوند شده" in page.inner_text("#incident-links")
    assert body.incident_links.filter(status=IncidentLink.Status.LINKED).count() == 1
