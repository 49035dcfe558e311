"""What a Persian reader sees on the evidence pages: the category's own name, Persian digits
in the share form, and a thousands separator that does not look like a Latin comma."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

from kalantar.evidence import services
from tests.evidence.conftest import MP4, write


@pytest.fixture
def item(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    made, _new = services.ingest_file(
        by=None, path=write(tmp_path, "k01.mp4", MP4), device=cameras["BWC-101"]
    )
    return made


@pytest.fixture
def chief(client, people):
    client.cookies["kalantar_language"] = "fa"
    client.force_login(people["chief"])
    return client


def test_the_category_reads_as_the_evidence_category_not_the_complaint_type(chief, item):
    for url in (item.get_absolute_url(), "/evidence/"):
        page = chief.get(url).content.decode()
        assert "نوع شکایت" not in page
        assert re.search(r">دسته[ <]", page)


def test_the_share_forms_days_are_persian_digits_and_persian_input_is_accepted(chief, item):
    page = chief.get(item.get_absolute_url()).content.decode()
    days = re.search(r'<input[^>]*name="days"[^>]*>', page).group(0)
    assert 'value="۷"' in days
    answer = chief.post(
        f"{item.get_absolute_url()}share/",
        {"recipient": "دادسرای همدان", "mode": "stream", "days": "۱۲"},
    )
    assert answer.status_code == 200
    assert "new-share-url" in answer.content.decode()


def _outline(font: TTFont, char: str) -> list:
    pen = RecordingPen()
    font.getGlyphSet()[font.getBestCmap()[ord(char)]].draw(pen)
    return pen.value


def test_the_thousands_separator_is_not_drawn_as_a_latin_comma(chief, item):
    """Vazirmatn draws ٬ (U+066C) exactly like its Latin comma, so ۶٬۹۵۷ read as 6,957: the
    pages give the separator a glyph of its own, raised above the baseline."""
    page = chief.get(item.get_absolute_url()).content.decode()
    assert "\u066c" in page  # the size is grouped with the Persian separator
    css_url = re.search(r'href="/static/(kalantar/separator\.css)"', page)
    assert css_url, "the pages load the separator's font face"
    css = open(finders.find(css_url.group(1)), encoding="utf-8").read()
    assert "U+066C" in css and "font-family: Vazirmatn" in css
    font_name = re.search(r"url\('([^']+)'\)", css).group(1)
    ours = TTFont(finders.find(f"kalantar/{font_name}"))
    vazirmatn = TTFont(finders.find("vendor/vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf"))
    assert ord("\u066c") in ours.getBestCmap()
    lowest = min(y for _op, points in _outline(ours, "\u066c") for _x, y in points)
    assert lowest > 0  # above the baseline, where a comma never is
    assert _outline(ours, "\u066c") != _outline(vazirmatn, ",")
