"""The camera desk in a real browser: a scanner types a serial (Persian digits) and Enter;
the camera goes out, then comes back in; a wrong serial is refused in Persian."""

from __future__ import annotations

import pytest

from kalantar.evidence import services
from kalantar.evidence.models import Assignment, Camera
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_check_out_and_in_by_scanning(live_server, page, make_user, org_tree, tmp_path, settings):
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    desk = make_user("desk", "desk_officer", "HM01K01")
    officer = make_user("officer", "desk_officer", "HM01K01")
    services.register_camera(by=None, serial="BWC-101", kind="body", station=org_tree["HM01K01"])
    log_in(page, live_server, desk.username)
    page.goto(f"{live_server.url}/evidence/desk/")
    page.select_option("#check-out select[name=officer]", str(officer.pk))
    page.fill("#check-out input[name=serial]", "")
    page.type("#check-out input[name=serial]", "bwc-۱۰۱")
    page.press("#check-out input[name=serial]", "Enter")  # as a scanner ends its input
    page.wait_for_load_state()
    assert Camera.objects.get(serial="BWC-101").status == Camera.Status.CHECKED_OUT

    page.type("#check-in input[name=serial]", "NOPE-1")
    page.press("#check-in input[name=serial]", "Enter")
    page.wait_for_load_state()
    assert "هیچ دوربینی" in page.inner_text("#check-in")

    page.fill("#check-in input[name=serial]", "BWC-101")
    page.fill("#check-in input[name=device_clock]", "۱۲:۰۰:۰۰")
    page.press("#check-in input[name=serial]", "Enter")
    page.wait_for_load_state()
    assert Camera.objects.get(serial="BWC-101").status == Camera.Status.AVAILABLE
    assert Assignment.objects.get().clock_offset_seconds is not None
