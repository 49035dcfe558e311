"""Every paginated API endpoint shares one bounded page: a default size, a maximum size and
a maximum offset; out-of-bounds values are refused with a clear message, never a 500."""

from __future__ import annotations

import pytest
from django.utils import translation

from kalantar.api import api
from kalantar.people.services import create_token

PAGINATED = [
    "/api/units",
    "/api/complaints",
    "/api/alarms/",
    "/api/alarms/events/",
    "/api/problems",
    "/api/referrals",
]


@pytest.fixture
def province_token(make_user) -> dict[str, str]:
    user = make_user("prov", "province_commander", "HM")
    _token, raw = create_token(by=None, user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("path", PAGINATED)
@pytest.mark.parametrize(
    "query",
    ["limit=9223372036854775808", "offset=9223372036854775808", "limit=0", "offset=-1"],
)
def test_out_of_range_pages_are_refused_with_a_message(client, province_token, path, query):
    response = client.get(f"{path}?{query}", **province_token)
    assert response.status_code == 422
    detail = response.json()["detail"]
    name = query.split("=")[0]
    assert detail[0]["loc"][-1] == name and name in detail[0]["msg"]


def test_the_refusal_is_in_persian(client, province_token):
    with translation.override("fa"):
        response = client.get("/api/units?limit=1000", HTTP_ACCEPT_LANGUAGE="fa", **province_token)
    assert response.status_code == 422
    message = response.json()["detail"][0]["msg"]
    assert "limit" in message and "عدد" in message


def test_a_page_is_bounded_and_the_default_is_smaller(client, province_token, settings):
    settings.API_PAGE_SIZE, settings.API_MAX_PAGE_SIZE = 2, 3
    listed = client.get("/api/units", **province_token).json()
    assert listed["count"] > 3 and len(listed["items"]) == 2
    assert len(client.get("/api/units?limit=3", **province_token).json()["items"]) == 3
    assert client.get("/api/units?limit=4", **province_token).status_code == 422
    # Persian digits are read like Latin ones.
    assert len(client.get("/api/units?limit=۳&offset=۱", **province_token).json()["items"]) == 3
    everything = client.get(f"/api/units?offset={listed['count']}", **province_token).json()
    assert everything["items"] == []


def test_every_operation_documents_its_error_answers():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {str(code) for code in operation["responses"]}
            assert "422" in codes, (method, path)
            if operation.get("security"):
                assert "401" in codes, (method, path)
            params = {p["name"]: p for p in operation.get("parameters", [])}
            if "limit" in params:
                assert params["limit"]["schema"]["maximum"] >= 1
                assert params["offset"]["schema"]["maximum"] < 2**63
