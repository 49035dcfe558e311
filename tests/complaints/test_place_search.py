"""The maps' place search: unit names for everyone, recorded addresses only within scope."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kalantar.incidents import services as incidents
from kalantar.incidents.drafts import IncidentReport
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


def test_the_citizens_map_searches_only_the_public_names(client, org_tree):
    page = client.get("/complaint/").content.decode()
    assert 'data-places-url="/complaint/places/"' in page
    assert "/api/places" not in page
    assert "نشانی‌ای که پیش‌تر ثبت شده" not in page  # the box promises no addresses


def test_the_desk_map_searches_the_station_scope(client, make_user):
    client.force_login(make_user("desk1", "desk_officer", "HM01K01"))
    page = client.get("/complaints/new/").content.decode()
    assert 'data-places-url="/api/places"' in page


def test_the_maps_need_no_tile_server_unless_one_is_set(client, org_tree, settings, tmp_path):
    settings.MAP_TILES_URL = settings.MAP_PMTILES_PATH = ""
    page = client.get("/complaint/").content.decode()
    assert 'data-tiles-url=""' in page and 'data-pmtiles-url=""' in page
    assert "pmtiles.js" not in page
    archive = tmp_path / "base.pmtiles"
    archive.write_bytes(b"PMTiles")
    settings.MAP_PMTILES_PATH = str(archive)
    page = client.get("/complaint/").content.decode()
    assert 'data-pmtiles-url="/map/tiles.pmtiles"' in page and "pmtiles.js" in page
    settings.MAP_TILES_URL = "https://tiles.police.example/{z}/{x}/{y}.png"
    page = client.get("/complaint/").content.decode()
    assert 'data-tiles-url="https://tiles.police.example/{z}/{x}/{y}.png"' in page


def test_a_user_who_may_not_read_complaints_finds_no_address(client, make_user, addresses):
    client.force_login(make_user("registrar", "security_registrar", "HM01K01"))
    assert _names(client.get("/api/places", {"q": "بوعلی"})) == []
    assert _names(client.get("/api/places", {"q": "ملایر"})) == ["کلانتری 11 ملایر"]


def test_a_dispatcher_finds_the_address_of_an_incident_of_the_station(client, make_user, file):
    complaint = file(location_text="میدان امام، جنب بانک")
    incidents.open_incident(
        by=None,
        report=IncidentReport(
            source="complaint", category="other", lon=48.551, lat=34.851, occurred_at=timezone.now()
        ),
        complaint=complaint,
    )
    client.force_login(make_user("dispatch2", "dispatcher", "HM01K02"))
    assert _names(client.get("/api/places", {"q": "میدان امام"})) == []
    client.force_login(make_user("dispatch1", "dispatcher", "HM01K01"))
    response = client.get("/api/places", {"q": "میدان امام"})
    assert _names(response) == ["میدان امام، جنب بانک"]
    assert response.json()["features"][0]["geometry"]["coordinates"] == [48.551, 34.851]
