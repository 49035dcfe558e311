"""Two stations must not see each other's records; commands see everything below them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kalantar.org.models import Jurisdiction, Unit
from kalantar.people.models import User
from kalantar.people.services import create_token


@pytest.fixture
def desk1(make_user):
    return make_user("desk1", "desk_officer", "HM01K01")


@pytest.fixture
def desk2(make_user):
    return make_user("desk2", "desk_officer", "HM01K02")


def test_querysets_are_scoped_to_the_users_units(desk1, desk2, make_user):
    assert set(Unit.objects.visible_to(desk1).values_list("code", flat=True)) == {"HM01K01"}
    assert set(Unit.objects.visible_to(desk2).values_list("code", flat=True)) == {"HM01K02"}
    county = make_user("county", "county_commander", "HM01")
    assert set(Unit.objects.visible_to(county).values_list("code", flat=True)) == {
        "HM01",
        "HM01K01",
        "HM01K02",
    }
    province = make_user("prov", "province_commander", "HM")
    assert Jurisdiction.objects.visible_to(province).count() == 3
    assert set(User.objects.visible_to(desk1).values_list("username", flat=True)) == {"desk1"}


def test_a_user_without_a_unit_sees_nothing(org_tree):
    loner = User.objects.create_user(username="loner", password="x")
    assert Unit.objects.visible_to(loner).count() == 0


def test_station_pages_of_another_station_are_not_found(client, desk1):
    client.force_login(desk1)
    own = client.get(reverse("org:unit_detail", args=["HM01K01"]))
    other = client.get(reverse("org:unit_detail", args=["HM01K02"]))
    assert own.status_code == 200
    assert other.status_code == 404
    listing = client.get(reverse("org:unit_list")).content.decode()
    assert "HM01K01" in listing and "HM01K02" not in listing


def test_api_is_scoped(client, desk1, desk2):
    client.force_login(desk2)
    units = client.get("/api/units").json()
    assert [u["code"] for u in units["items"]] == ["HM01K02"]
    assert client.get("/api/units/HM01K01").status_code == 404
    fc = client.get("/api/jurisdictions").json()
    assert [f["properties"]["code"] for f in fc["features"]] == ["HM01K02"]
    assert client.get("/api/jurisdictions?unit=HM01K01").status_code == 404


def test_bearer_token_is_scoped_like_its_user(client, desk1):
    _token, raw = create_token(by=None, user=desk1)
    response = client.get("/api/units", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert [u["code"] for u in response.json()["items"]] == ["HM01K01"]


def test_an_unknown_unit_kind_is_refused_not_a_server_error(client, desk1):
    """A NUL byte in `kind` reached PostgreSQL and answered 500; any kind outside the list
    is now refused with 422, and the known ones still filter."""
    client.force_login(desk1)
    for kind in ("nope", "kalantari\x00", "\x00"):
        response = client.get("/api/units", {"kind": kind})
        assert response.status_code == 422, kind
    listed = client.get("/api/units", {"kind": "kalantari"}).json()["items"]
    assert [u["code"] for u in listed] == ["HM01K01"]
