"""The public pages open without logging in, in Persian (right to left) and English."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC = ["portal:file", "portal:track", "portal:help"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_need_no_login_and_are_persian_first(client, org_tree, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html and "bootstrap.rtl.min.css" in html
    for link in PUBLIC:
        assert f'href="{reverse(link)}"' in html


@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_in_english(client, org_tree, name):
    client.cookies["kalantar_language"] = "en"
    html = client.get(reverse(name)).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Follow a complaint" in html


def test_help_explains_filing_and_following(client, db):
    client.cookies["kalantar_language"] = "en"
    html = client.get(reverse("portal:help")).content.decode()
    assert "Filing a complaint" in html and "Following your complaint" in html
    assert "110" in html


def test_the_map_gets_station_outlines_and_names_only(client, org_tree):
    response = client.get(reverse("portal:jurisdictions_geojson"))
    assert response.status_code == 200
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert {f["properties"]["code"] for f in collection["features"]} == {
        "HM01K01",
        "HM01K02",
        "HM02K01",
    }
    for feature in collection["features"]:
        assert set(feature["properties"]) == {"code", "name", "name_en", "kind"}
        assert feature["geometry"]["type"] == "Polygon"


def test_locating_a_point(client, org_tree):
    url = reverse("portal:locate")
    inside = client.get(url, {"lon": "48.55", "lat": "۳۴.۸۵"}).json()
    assert inside == {"inside": True, "code": "HM01K01", "name": "کلانتری 11 همدان", "name_en": ""}
    assert client.get(url, {"lon": "10", "lat": "10"}).json() == {"inside": False}
    for bad in ({"lon": "x", "lat": "1"}, {"lon": "nan", "lat": "1"}, {"lon": "200", "lat": "1"}):
        assert client.get(url, bad).status_code == 400
