"""What the browser itself would say in English — map controls, the file picker — speaks
the page's language, and a file chosen through the translated picker is still sent."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.core.jalali import format_jalali_datetime

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The smallest valid PNG: one transparent pixel.
PIXEL_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _open_form(page, live_server, language: str) -> None:
    page.context.add_cookies(
        [{"name": "kalantar_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/complaint/")
    page.wait_for_selector("#picker-map .leaflet-control-zoom-in")


def test_persian_form_labels_the_picker_and_map_in_persian_and_sends_the_file(
    live_server, page, org_tree, tmp_path
):
    _open_form(page, live_server, "fa")
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "بزرگ\u200cنمایی"
    picker = page.locator(".file-picker")
    assert picker.locator("button").inner_text() == "انتخاب فایل\u200cها"
    assert "فایلی انتخاب نشده است" in picker.inner_text()

    photo = tmp_path / "door.png"
    photo.write_bytes(PIXEL_PNG)
    page.set_input_files("#id_attachments", str(photo))
    assert "door.png" in picker.inner_text()

    page.select_option("#id_category", label="سرقت از منزل")
    page.fill("#id_summary", "سرقت طلا از منزل")
    page.fill("#id_narrative", "دیشب درب منزل را شکستند و طلاها را بردند.")
    page.fill("#id_complainant_name", "علی رضایی")
    page.fill("#id_national_code", "۰۴۹۹۳۷۰۸۹۹")
    page.fill("#id_incident_at", format_jalali_datetime(timezone.now() - timedelta(days=1)))
    page.keyboard.press("Escape")
    page.wait_for_selector("#picker-map path.leaflet-interactive")
    box = page.locator("#picker-map path.leaflet-interactive").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("() => document.querySelector('#picked-station').textContent.length > 0")
    page.click("#complaint-form button[type=submit]")

    page.wait_for_url(f"{live_server.url}/complaint/confirm/")
    assert "door.png" in page.inner_text("main")


def test_english_form_labels_the_picker_and_map_in_english(live_server, page, org_tree):
    _open_form(page, live_server, "en")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Zoom in"
    assert page.locator(".file-picker button").inner_text() == "Choose files"
    assert "No file chosen" in page.inner_text(".file-picker")


def test_english_date_picker_names_jalali_months_and_buttons_in_english(
    live_server, page, org_tree
):
    _open_form(page, live_server, "en")
    page.click("#id_incident_at")
    picker = page.locator("jdp-container")
    picker.wait_for()
    assert "Farvardin" in picker.locator(".jdp-months").inner_text()
    assert "فروردین" not in picker.inner_text()
    assert "Today" in picker.inner_text()
    assert "امروز" not in picker.inner_text()


def test_persian_date_picker_keeps_persian_names(live_server, page, org_tree):
    _open_form(page, live_server, "fa")
    page.click("#id_incident_at")
    picker = page.locator("jdp-container")
    picker.wait_for()
    assert "فروردین" in picker.inner_text()
    assert "امروز" in picker.inner_text()
