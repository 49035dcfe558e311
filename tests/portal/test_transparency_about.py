"""The public statistics' data dictionary speaks the reader's language."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _about(client, language: str) -> str:
    client.cookies["kalantar_language"] = language
    response = client.get(reverse("transparency:about"))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('id="csv-columns"') : html.index("</table>")]


def test_the_column_descriptions_are_persian_on_the_persian_page(client):
    table = _about(client, "fa")
    assert '<th scope="col">ستون</th>' in table and "معنا" in table
    for persian in ("کد کلانتری، شهرستان یا استان", "نام آن به فارسی", "ماه خورشیدی"):
        assert persian in table
    for english in ("code of the station", "its name in", "the figure", ">meaning<", ">column<"):
        assert english not in table
    # The column names are the file's own, the same in both languages.
    assert '<code dir="ltr">unit_code</code>' in table


def test_the_column_descriptions_are_english_on_the_english_page(client):
    table = _about(client, "en")
    assert "code of the station, county or province" in table and "meaning" in table
    assert "کد کلانتری" not in table
