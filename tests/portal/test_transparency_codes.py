"""A unit code that cannot exist gets the Persian "no such unit" answer, never a 500
(PostgreSQL refuses to compare text holding NUL)."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize("code", ["NOPE\x00", "HM01/K01", "K" * 500])
def test_impossible_unit_codes_are_a_persian_400(client, org_tree, code):
    for name in ("transparency:csv", "transparency:json", "transparency:index"):
        response = client.get(reverse(name), {"unit": code, "month": "1404-07"})
        assert response.status_code == 400
        assert "کد" in response.content.decode()
    api = client.get("/api/transparency/stats", {"unit": code, "month": "1404-07"})
    assert api.status_code == 400 and "کد" in api.json()["error"]
