"""Playing a recording in a real browser: the purpose first, then the player loads the
file by byte ranges with the viewer's name over it."""

from __future__ import annotations

import io
import math
import struct
import wave

import pytest

from kalantar.evidence import services
from tests.browser.login import log_in
from tests.browser.test_content_security_policy import Watcher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tone(seconds: int = 3, rate: int = 8000) -> bytes:
    """A valid recording the browser can play: a WAV tone (the standard library writes it)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(rate)
        samples = (
            int(8000 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(seconds * rate)
        )
        sound.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    return out.getvalue()


def test_purpose_then_player_with_the_viewers_name(
    live_server, page, make_user, org_tree, tmp_path, settings
):
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    chief = make_user("chief", "station_chief", "HM01K01")
    chief.first_name, chief.last_name = "مریم", "احمدی"
    chief.save()
    camera = services.register_camera(
        by=None, serial="BWC-101", kind="body", station=org_tree["HM01K01"]
    )
    services.check_out_camera(by=chief, serial="BWC-101", officer=chief)
    recording = tmp_path / "shift.wav"
    recording.write_bytes(_tone())
    item, _new = services.ingest_file(by=None, path=recording, device=camera)

    ranges: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: (
            ranges.append((r.request.headers.get("range", ""), r.status))
            if "/stream/" in r.url
            else None
        ),
    )
    watcher = Watcher(page)
    log_in(page, live_server, chief.username)
    page.goto(f"{live_server.url}{item.get_absolute_url()}")
    assert page.locator("video").count() == 0
    page.fill("#purpose-form input[name=purpose]", "بررسی رفتار مأمور")
    page.click("#purpose-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#evidence-video').readyState >= 1")
    assert page.evaluate("() => document.querySelector('#evidence-video').duration") > 2
    overlay = page.inner_text("#evidence-overlay")
    assert "مریم احمدی" in overlay
    page.wait_for_function(
        "() => document.querySelector('#evidence-overlay [data-clock]').textContent !== ''"
    )
    assert page.is_visible("#evidence-overlay")

    # Seeking asks for a part of the file, answered 206.
    status = page.evaluate(
        """async (url) => (await fetch(url, {headers: {Range: 'bytes=1000-1999'}})).status""",
        f"{live_server.url}/evidence/items/{item.pk}/stream/",
    )
    assert status == 206
    assert any(code in (200, 206) for _range, code in ranges)
    assert page.evaluate("window.__csp") == [] and watcher.problems == []


def test_a_court_opens_a_share_link_and_plays_it(
    live_server, page, make_user, org_tree, tmp_path, settings
):
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    chief = make_user("chief", "station_chief", "HM01K01")
    camera = services.register_camera(
        by=None, serial="BWC-101", kind="body", station=org_tree["HM01K01"]
    )
    services.check_out_camera(by=chief, serial="BWC-101", officer=chief)
    recording = tmp_path / "shift.wav"
    recording.write_bytes(_tone())
    item, _new = services.ingest_file(by=None, path=recording, device=camera)
    _share, raw = services.share_item(
        by=chief, item=item, recipient="دادسرای ناحیه ۱", mode="stream", days=3
    )
    watcher = Watcher(page)
    page.goto(f"{live_server.url}/evidence/shared/{raw}/")  # no login
    page.fill("#acknowledge-form input[name=name]", "دادیار محمدی")
    page.click("#acknowledge-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#evidence-video').readyState >= 1")
    assert "دادسرای ناحیه ۱" in page.inner_text("#evidence-overlay")
    assert "دادیار محمدی" in page.inner_text("#acknowledged")
    assert page.evaluate("window.__csp") == [] and watcher.problems == []
