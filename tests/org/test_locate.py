from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from kalantar.org.geo_cache import locate_unit
from kalantar.org.models import Jurisdiction
from tests.conftest import square


@pytest.fixture
def api(client, make_user):
    client.force_login(make_user("analyst", "analyst", "HM"))
    return client


def test_point_inside_a_jurisdiction(api):
    body = api.get("/api/locate", {"lon": 48.55, "lat": 34.85}).json()
    assert body["inside"] is True and body["code"] == "HM01K01"
    assert body["name"] == "کلانتری 11 همدان"  # stored digits are Latin; pages show Persian


def test_point_outside_every_jurisdiction_is_an_answer_not_an_error(api):
    response = api.get("/api/locate", {"lon": 10, "lat": 10})
    assert response.status_code == 200
    assert response.json() == {
        "inside": False,
        "code": None,
        "name": None,
        "name_en": None,
        "kind": None,
    }


def test_shared_border_always_goes_to_the_same_station(api):
    answers = {api.get("/api/locate", {"lon": 48.6, "lat": 34.85}).json()["code"] for _ in range(3)}
    assert len(answers) == 1 and answers <= {"HM01K01", "HM01K02"}


@pytest.mark.parametrize("params", [{"lon": "abc", "lat": 1}, {"lon": 200, "lat": 1}, {"lat": 1}])
def test_bad_coordinates_are_rejected(api, params):
    assert api.get("/api/locate", params).status_code == 422


def test_api_needs_a_login_or_token(client, org_tree):
    assert client.get("/api/locate", {"lon": 48.55, "lat": 34.85}).status_code == 401
    bad = client.get("/api/units", HTTP_AUTHORIZATION="Bearer klt_not-a-token")
    assert bad.status_code == 401


def test_index_is_rebuilt_when_a_jurisdiction_changes(org_tree):
    assert locate_unit(48.85, 34.25).code == "HM02K01"
    jurisdiction = Jurisdiction.objects.get(unit__code="HM02K01")
    assert locate_unit(49.05, 34.25) is None
    jurisdiction.geometry = square(48.95, 34.2, size=0.2)
    jurisdiction.save()
    assert locate_unit(49.05, 34.25).code == "HM02K01"


@pytest.mark.django_db(transaction=True)
def test_a_look_up_during_the_change_does_not_keep_the_old_areas(org_tree):
    """The saving transaction drops the index before it commits; a look-up from another
    request in between reads the old areas, and must not keep them after the commit."""
    assert locate_unit(49.05, 34.25) is None
    with transaction.atomic():
        jurisdiction = Jurisdiction.objects.get(unit__code="HM02K01")
        jurisdiction.geometry = square(48.95, 34.2, size=0.2)
        jurisdiction.save()
        other_request = threading.Thread(target=_locate_in_another_thread, args=(49.05, 34.25))
        other_request.start()
        other_request.join()
    assert locate_unit(49.05, 34.25).code == "HM02K01"


def _locate_in_another_thread(lon: float, lat: float) -> None:
    try:
        locate_unit(lon, lat)
    finally:
        connection.close()
