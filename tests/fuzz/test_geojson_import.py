"""Hypothesis on the jurisdictions import: any JSON gets a report (never an exception), and
the check and the import agree: a file the check passes is imported, any other changes
nothing."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from kalantar.org import services
from kalantar.org.models import Jurisdiction, Unit
from kalantar.org.validation import UNIT_CODE, validate_collection
from tests.conftest import square
from tests.fuzz.conftest import budget

PARENTS = {"IR": "national", "HM": "province", "HM01": "county", "HM02": "county",
           "HM01K01": "kalantari", "HMINS": "inspection"}  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-180, 180),
    st.integers(-200, 200),
    st.booleans(),
    st.text(max_size=4),
)
positions = st.lists(numbers, min_size=0, max_size=4)
rings = st.lists(st.one_of(positions, json_values), max_size=6)
codes = st.one_of(
    st.sampled_from(["HM01K05", "hm02p۰۳", "HM01K01", "HM01", "HMINS", "HM01/K9", "K" * 40]),
    st.text(max_size=40),
    st.integers(),
    json_values,
)


@st.composite
def geometries(draw):
    kind = draw(st.sampled_from(["Polygon", "MultiPolygon", "Point", None]))
    lon, lat = draw(st.floats(44, 60)), draw(st.floats(25, 39))
    size = draw(st.sampled_from([0.01, 0.1, 0.0, -0.1]))
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return square(lon, lat, size)
    if choice == 1:
        coordinates = draw(st.lists(rings, max_size=3))
    elif choice == 2:
        coordinates = draw(json_values)
    else:
        return draw(json_values)
    geometry = {"type": kind, "coordinates": coordinates}
    if draw(st.booleans()):
        geometry.pop("coordinates")
    return geometry


@st.composite
def features(draw):
    props = {
        "code": draw(codes),
        "name": draw(st.one_of(st.just("کلانتری آزمایشی"), json_values)),
        "kind": draw(st.one_of(st.sampled_from(["kalantari", "pasgah", "county"]), scalars)),
        "parent": draw(st.one_of(st.sampled_from(["HM01", "HM02", "HM", "HM01K01"]), scalars)),
    }
    if draw(st.booleans()):
        props["hq"] = draw(st.one_of(positions, json_values))
    if draw(st.booleans()):
        props["name_en"] = draw(json_values)
    item = {"type": "Feature", "properties": props, "geometry": draw(geometries())}
    return draw(st.one_of(st.just(item), json_values))


collections = st.one_of(
    st.builds(
        lambda fs: {"type": "FeatureCollection", "features": fs},
        st.lists(features(), min_size=1, max_size=3),
    ),
    json_values,
)


@budget(400)
@given(data=collections)
def test_any_json_gets_a_report(data):
    report = validate_collection(data, parents=PARENTS)
    assert report.ok == (not report.errors)
    for parsed in report.features:
        assert UNIT_CODE.fullmatch(parsed.code) and PARENTS.get(parsed.parent) == "county"
        assert all(math.isfinite(v) for v in parsed.geometry.bounds)


@pytest.mark.django_db
@budget(120)
@given(data=collections)
def test_the_check_and_the_import_agree(org_tree, data):
    before = sorted(Unit.objects.values_list("code", "path"))
    with transaction.atomic():
        passed = services.validate_jurisdictions(data=data).ok
        try:
            services.import_jurisdictions(by=None, data=data)
        except ValidationError:
            assert not passed, "the check passed a file the import refused"
            assert sorted(Unit.objects.values_list("code", "path")) == before
        else:
            assert passed, "the import took a file the check refused"
            for unit in Unit.objects.filter(jurisdiction__isnull=False):
                assert unit.path == f"{unit.parent.path}{unit.code}/"
            assert Jurisdiction.objects.count() >= 3
        transaction.set_rollback(True)
