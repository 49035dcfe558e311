"""Redacting a recording in a real browser: faces suggested, the person moves and ticks a
box, the copy is made in the background as a new item (the job's page following it by
itself) and the recording it came from lists it."""

from __future__ import annotations

import pytest

from kalantar.evidence import faces, services
from kalantar.evidence.models import Derivation
from kalantar.evidence.redaction import Plan
from tests.background import run_background_tasks
from tests.browser.login import log_in
from tests.browser.test_content_security_policy import Watcher
from tests.evidence import clips

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suggest_move_confirm_and_the_copy_appears(
    live_server, page, make_user, org_tree, tmp_path, settings, monkeypatch
):
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    # The detector stands in for OpenCV's cascade, which this build may lack: the test is of
    # what the editor does with a suggestion (the tool suggests, the person decides).
    monkeypatch.setattr(faces, "available", lambda: True)
    monkeypatch.setattr(faces, "detect", lambda image: [(64, 44, 32, 32)])
    chief = make_user("chief", "station_chief", "HM01K01")
    camera = services.register_camera(
        by=None, serial="BWC-101", kind="body", station=org_tree["HM01K01"]
    )
    services.check_out_camera(by=chief, serial="BWC-101", officer=chief)
    recording = clips.clip_with_sound(tmp_path / "shift.mp4")
    item, _new = services.ingest_file(by=None, path=recording, device=camera)

    watcher = Watcher(page)
    log_in(page, live_server, chief.username)
    page.goto(f"{live_server.url}{item.get_absolute_url()}")
    page.click("#redact-link")
    page.wait_for_selector("#redact-form")
    page.click("#suggest-faces")
    page.wait_for_selector("tr.redact-row.is-suggested")
    assert page.input_value("input[name=form-0-x]") == "۶۰"  # the hit with its margin
    assert not page.is_checked("input[name=form-0-on]")  # a suggestion is not a decision
    box = page.locator(".redact-box")
    box.wait_for()
    assert "is-on" not in box.get_attribute("class")

    # The person moves the box a little to the right, then ticks it.
    where = box.bounding_box()
    page.mouse.move(where["x"] + 5, where["y"] + 5)
    page.mouse.down()
    page.mouse.move(where["x"] + 25, where["y"] + 5, steps=4)
    page.mouse.up()
    moved = int(
        page.input_value("input[name=form-0-x]").translate(
            str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
        )
    )
    assert moved > 60
    page.check("input[name=form-0-on]")
    page.wait_for_selector(".redact-box.is-on")
    page.fill("#id_clip", "۰:۰۱ تا ۰:۰۳")
    page.click("#make-copy")
    # The copy is made in the background: the page says so and reloads its state by itself.
    page.wait_for_url(lambda url: "/jobs/" in url)
    assert "در حال آماده‌سازی" in page.inner_text("#job-state")
    run_background_tasks()
    page.click("#job-link", timeout=15000)
    page.wait_for_url(lambda url: f"/items/{item.pk}/" not in url and "/jobs/" not in url)

    derivation = Derivation.objects.get(parent=item)
    plan = Plan.from_dict(derivation.plan)
    assert plan.clip.start == 1 and plan.clip.end == 3
    assert [b.x for b in plan.blur] == [moved]
    assert "پوشیده‌شده" in page.inner_text("h1")
    page.click(f"#redaction a[href='{item.get_absolute_url()}']")
    assert page.locator("#redacted-copies a").count() == 1
    assert page.evaluate("window.__csp") == [] and watcher.problems == []
