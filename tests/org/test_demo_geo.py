"""The demo geography of Hamadan province: counts, names, and a clean tiling of jurisdictions."""

import json
import re
from collections import Counter

import pytest
import shapely

from kalantar.core.persian import normalize_text, to_latin_digits
from kalantar.org.demo_geo import (
    DEMO_NOTICE_EN,
    DEMO_NOTICE_FA,
    KALANTARI,
    PASGAH,
    build_demo_geography,
)

ARABIC_YEH_KAF = re.compile("[\u064a\u0643\u0649]")  # ي ك ى
PERSIAN_DIGITS = re.compile("[۰-۹]")


@pytest.fixture(scope="module")
def geo():
    return build_demo_geography()


@pytest.fixture(scope="module")
def collection(geo):
    return geo.to_feature_collection()


def by_county(geo, kind):
    return Counter(s.parent for s in geo.stations if s.kind == kind)


def test_province_outline_is_roughly_hamadan(geo):
    province = geo.province
    assert (province.code, province.name_en, province.name_fa) == ("HM", "Hamadan", "همدان")
    outline = province.outline
    assert outline.is_valid
    assert 20 <= len(outline.exterior.coords) - 1 <= 40
    minx, miny, maxx, maxy = outline.bounds
    assert 47.5 < minx < 48.0 and 49.3 < maxx < 49.7
    assert 33.9 < miny < 34.1 and 35.6 < maxy < 35.9


def test_ten_county_commands_with_hamadan_first(geo):
    codes = [c.code for c in geo.counties]
    assert codes == [f"HM{n:02d}" for n in range(1, 11)]
    names = {c.code: c.name_en for c in geo.counties}
    assert names["HM01"] == "Hamadan"
    assert set(names.values()) == {
        "Hamadan", "Malayer", "Nahavand", "Tuyserkan", "Asadabad",
        "Bahar", "Kabudarahang", "Razan", "Famenin", "Dargazin",
    }  # fmt: skip


def test_twenty_eight_urban_stations_most_in_hamadan(geo):
    kalantaris = by_county(geo, KALANTARI)
    assert sum(kalantaris.values()) == 28
    assert kalantaris["HM01"] == 12
    assert kalantaris.most_common(1) == [("HM01", 12)]
    assert kalantaris["HM02"] >= 3 and kalantaris["HM03"] >= 3  # Malayer, Nahavand


def test_every_county_has_a_station_and_an_outpost(geo):
    kalantaris, outposts = by_county(geo, KALANTARI), by_county(geo, PASGAH)
    for county in geo.counties:
        assert kalantaris[county.code] >= 1, county.code
        assert outposts[county.code] >= 1, county.code


def test_codes_are_unique_and_name_their_county(geo):
    codes = [c.code for c in geo.counties] + [s.code for s in geo.stations]
    assert len(codes) == len(set(codes))
    for station in geo.stations:
        letter = "K" if station.kind == KALANTARI else "P"
        assert re.fullmatch(rf"{station.parent}{letter}\d\d", station.code), station.code


def test_names_are_persian_and_already_normalised(geo):
    names = [geo.province.name_fa]
    names += [n for c in geo.counties for n in (c.name_fa, c.seat_name_fa)]
    names += [s.name_fa for s in geo.stations]
    for name in names:
        assert not ARABIC_YEH_KAF.search(name), name
        # Storage keeps Latin digits; apart from that, nothing is left to normalise.
        assert normalize_text(name) == to_latin_digits(name), name
    for station in geo.stations:
        if station.kind == KALANTARI:
            assert station.name_fa.startswith("کلانتری ")
            assert PERSIAN_DIGITS.search(station.name_fa), station.name_fa
            assert station.name_en.startswith("Police Station ")
        else:
            assert station.name_fa.startswith("پاسگاه انتظامی ")
            assert station.name_en.endswith(" Police Outpost")
    assert "کلانتری ۱۳ شهید مدنی همدان" in {s.name_fa for s in geo.stations}


def test_every_geometry_is_a_valid_polygon(geo):
    geometries = [c.region for c in geo.counties] + [s.jurisdiction for s in geo.stations]
    for geometry in geometries:
        assert geometry.geom_type in ("Polygon", "MultiPolygon")
        assert geometry.is_valid, shapely.is_valid_reason(geometry)
        assert geometry.area > 0


@pytest.mark.parametrize("level", ["stations", "counties"])
def test_pieces_tile_the_province(geo, level):
    if level == "stations":
        pieces = [s.jurisdiction for s in geo.stations]
    else:
        pieces = [c.region for c in geo.counties]
    tree = shapely.STRtree(pieces)
    left, right = tree.query(pieces, predicate="intersects")
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a < b:
            assert pieces[a].intersection(pieces[b]).area < 1e-12, (a, b)
    outline = geo.province.outline
    union = shapely.union_all(pieces)
    assert abs(union.area - outline.area) / outline.area < 1e-6
    assert union.symmetric_difference(outline).area / outline.area < 1e-6


def test_each_headquarters_lies_in_its_own_jurisdiction_and_county(geo):
    regions = {c.code: c.region for c in geo.counties}
    for station in geo.stations:
        hq = shapely.Point(station.hq_lon, station.hq_lat)
        assert station.jurisdiction.covers(hq), station.code
        assert regions[station.parent].covers(hq), station.code
    for county in geo.counties:
        assert county.region.covers(shapely.Point(county.seat_lon, county.seat_lat))


def test_urban_headquarters_lie_within_a_few_km_of_their_city(geo):
    seats = {c.code: (c.seat_lon, c.seat_lat) for c in geo.counties}
    for station in geo.stations:
        if station.kind == KALANTARI:
            lon, lat = seats[station.parent]
            assert abs(station.hq_lon - lon) < 0.06 and abs(station.hq_lat - lat) < 0.05


def test_exterior_rings_run_counter_clockwise(geo):
    geometries = [c.region for c in geo.counties] + [s.jurisdiction for s in geo.stations]
    for polygon in shapely.get_parts(geometries):
        assert polygon.exterior.is_ccw  # RFC 7946 right-hand rule


def test_coordinates_are_rounded_to_six_decimals(geo):
    geometries = [c.region for c in geo.counties] + [s.jurisdiction for s in geo.stations]
    coords = shapely.get_coordinates(geometries).ravel().tolist()
    coords += [v for s in geo.stations for v in (s.hq_lon, s.hq_lat)]
    assert all(round(v, 6) == v for v in coords)


def test_feature_collection_is_in_the_import_format(geo, collection):
    assert collection["type"] == "FeatureCollection"
    assert "demo" in collection["name"].lower()
    assert collection["description"] == DEMO_NOTICE_EN
    assert collection["description_fa"] == DEMO_NOTICE_FA
    assert "approximate" in DEMO_NOTICE_EN and "تقریبی" in DEMO_NOTICE_FA
    county_codes = {c.code for c in geo.counties}
    features = collection["features"]
    assert [f["properties"]["code"] for f in features] == [s.code for s in geo.stations]
    for feature, station in zip(features, geo.stations, strict=True):
        props = feature["properties"]
        assert feature["type"] == "Feature"
        assert props["name"] == station.name_fa
        assert props["name_en"] == station.name_en
        assert props["kind"] in (KALANTARI, PASGAH)
        assert props["parent"] in county_codes
        assert props["hq"] == [station.hq_lon, station.hq_lat]
        geometry = shapely.geometry.shape(feature["geometry"])
        assert geometry.equals(station.jurisdiction)
        assert geometry.covers(shapely.Point(*props["hq"]))


def test_feature_collection_round_trips_through_json(collection):
    text = json.dumps(collection, ensure_ascii=False)
    assert json.loads(text) == collection


def test_the_build_is_deterministic(collection):
    again = build_demo_geography().to_feature_collection()
    assert json.dumps(again, sort_keys=True) == json.dumps(collection, sort_keys=True)
