"""The maps' place search: unit names for everyone, recorded addresses only within scope."""

from __future__ import annotations

import pytest

from tests.complaints.conftest import INSIDE_K02

STREET_K01 = "خیابان بوعلی، کوچه لاله، پلاک 12"  # stored digits are Latin
STREET_K02 = "خیابان بوعلی شمالی، روبروی نانوایی"


@pytest.fixture
def addresses(file):
    file(location_text=STREET_K01)  # station HM01K01's complaint
    file(location_text=STREET_K02, **INSIDE_K02)  # station HM01K02's


def _names(response) -> list[str]:
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    for feature in body["features"]:
        assert feature["geometry"]["type"] == "Point"
    return [f["properties"]["name"] for f in body["features"]]


def test_a_station_finds_its_own_addresses_and_never_another_stations(client, make_user, addresses):
    client.force_login(make_user("desk1", "desk_officer", "HM01K01"))
    assert _names(client.get("/api/places", {"q": "بوعلي"})) == [STREET_K01]  # Arabic yeh
    client.force_login(make_user("desk2", "desk_officer", "HM01K02"))
    assert _names(client.get("/api/places", {"q": "بوعلی"})) == [STREET_K02]


def test_the_county_sees_the_addresses_of_both_its_stations(client, make_user, addresses):
    client.force_login(make_user("commander", "county_commander", "HM01"))
    assert sorted(_names(client.get("/api/places", {"q": "خیابان بوعلی"}))) == sorted(
        [STREET_K01, STREET_K02]
    )


def test_a_found_address_is_where_the_complaint_was_placed(client, make_user, addresses):
    client.force_login(make_user("desk1", "desk_officer", "HM01K01"))
    feature = client.get("/api/places", {"q": "لاله"}).json()["features"][0]
    assert feature["geometry"]["coordinates"] == [48.55, 34.85]
    assert feature["properties"]["kind"] == "address"


def test_unit_names_are_found_in_persian_and_english_spellings(client, make_user, addresses):
    client.force_login(make_user("desk1", "desk_officer", "HM01K01"))
    names = _names(client.get("/api/places", {"q": "ملاير"}))
    assert names == ["کلانتری 11 ملایر"]


def test_the_public_search_never_returns_an_address(client, addresses):
    assert _names(client.get("/complaint/places/", {"q": "بوعلی"})) == []
    names = _names(client.get("/complaint/places/", {"q": "کلانتری همدان"}))
    assert sorted(names) == ["کلانتری 11 همدان", "کلانتری 12 همدان"]


def test_without_a_query_the_labels_are_every_unit_headquarters(client, addresses):
    features = client.get("/complaint/places/").json()["features"]
    assert {f["properties"]["code"] for f in features} == {"HM01K01", "HM01K02", "HM02K01"}
    assert all(f["properties"]["kind"] != "address" for f in features)


def test_the_staff_search_needs_a_login(client, addresses):
    assert client.get("/api/places", {"q": "بوعلی"}).status_code == 401
