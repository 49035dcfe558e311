"""Scoping: a station sees the sites and guards on duty in its jurisdiction, a province's
registrar the guards of its own province, and an institution's key its own posts only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.people import services as people_services
from kalantar.security_firms import services

from .conftest import CODES, make_licensed

pytestmark = pytest.mark.django_db


@pytest.fixture
def duty(guard, shift_now, site2):
    """The guard on duty at site (HM01K01) now; a second guard on duty at site2 (HM01K02)."""
    services.assign(by=None, shift=shift_now, guard=guard)
    other = make_licensed(guard.institution, CODES[3], first_name="مریم", last_name="احمدی")
    post = services.add_post(by=None, site=site2, name="ورودی بازار")
    now = timezone.now()
    shift = services.add_shift(
        by=None, post=post, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=3)
    )
    services.assign(by=None, shift=shift, guard=other)
    return guard, other


def test_each_station_sees_only_the_guards_on_duty_in_its_jurisdiction(
    client, chief1, chief2, duty
):
    client.force_login(chief1)
    page = client.get("/guards/on-duty/").content.decode()
    assert "علی رضایی" in page and "مریم احمدی" not in page
    features = client.get("/guards/on-duty/map.json").json()["features"]
    assert [f["properties"]["post"] for f in features] == ["درب اصلی"]
    assert features[0]["properties"]["on_duty"] == ["علی رضایی"]
    client.force_login(chief2)
    page = client.get("/guards/on-duty/").content.decode()
    assert "مریم احمدی" in page and "علی رضایی" not in page


def test_a_registrar_sees_the_guards_of_the_own_province_only(
    client, registrar, guard, other_institution, other_province
):
    stranger = make_licensed(other_institution, CODES[4], first_name="کاوه", last_name="کردی")
    client.force_login(registrar)
    assert client.get(f"/guards/{guard.pk}/").status_code == 200
    assert client.get(f"/guards/{stranger.pk}/").status_code == 404
    listed = client.get("/guards/").content.decode()
    assert "علی رضایی" in listed and "کاوه" not in listed
    kd = people_services.add_user(
        by=None, username="reg_kd", role="security_registrar", unit_code="KD", password="x" * 16
    )
    client.force_login(kd)
    assert client.get(f"/guards/{guard.pk}/").status_code == 404
    assert client.get(f"/guards/{stranger.pk}/").status_code == 200


def test_the_staff_api_is_scoped_too(client, registrar, guard, other_institution):
    stranger = make_licensed(other_institution, CODES[4])
    _token, raw = people_services.create_token(by=None, user=registrar, name="test")
    headers = {"Authorization": f"Bearer {raw}"}
    listed = client.get("/api/guards/", headers=headers).json()
    assert [g["id"] for g in listed["items"]] == [guard.pk]
    assert client.get(f"/api/guards/{stranger.pk}/", headers=headers).status_code == 404
    assert client.get(f"/api/guards/{guard.pk}/", headers=headers).json()["national_code"]


def test_a_station_chief_cannot_open_the_register(client, chief1, guard):
    client.force_login(chief1)
    assert client.get("/guards/desk/").status_code == 403
    assert client.get(f"/guards/{guard.pk}/").status_code == 403


def test_an_institution_key_rosters_its_own_guards_only(client, guard, site, other_institution):
    post = services.add_post(by=None, site=site, name="لابی")
    _key, raw = services.issue_institution_key(by=None, institution=guard.institution, name="ERP")
    headers = {"Authorization": f"Bearer {raw}"}
    start = timezone.now() + timedelta(hours=1)
    body = {
        "post": post.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=8)).isoformat(),
        "guards": [guard.licence_number],
    }
    made = client.post(
        "/api/guards/institution/rosters", body, content_type="application/json", headers=headers
    )
    assert made.status_code == 201, made.content
    _other_key, other_raw = services.issue_institution_key(
        by=None, institution=other_institution, name="x"
    )
    refused = client.post(
        "/api/guards/institution/rosters",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {other_raw}"},
    )
    assert refused.status_code == 404
    assert client.get("/api/guards/institution/notices", headers=headers).status_code == 200


def test_a_roster_naming_a_suspended_guard_stores_nothing(client, guard, site):
    post = services.add_post(by=None, site=site, name="لابی")
    services.change_status(by=None, guard=guard, status="suspended", reason="بررسی")
    _key, raw = services.issue_institution_key(by=None, institution=guard.institution, name="ERP")
    start = timezone.now() + timedelta(hours=1)
    response = client.post(
        "/api/guards/institution/rosters",
        {
            "post": post.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=8)).isoformat(),
            "guards": [guard.licence_number],
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 422
    assert "معتبر نیست" in str(response.json())
    assert not post.shifts.exists()


def test_staff_search_by_national_code_and_by_surname(client, registrar, institution):
    make_licensed(institution, CODES[1], first_name="علی", last_name="رضایی")
    make_licensed(institution, CODES[2], first_name="مریم", last_name="احمدی")
    client.force_login(registrar)
    by_code = client.get("/guards/", {"q": "۰۰۸۴۵۷۵۹۴۸"}).content.decode()
    assert "علی رضایی" in by_code and "مریم احمدی" not in by_code
    by_surname = client.get("/guards/", {"q": "احمدي"}).content.decode()  # Arabic yeh
    assert "مریم احمدی" in by_surname and "علی رضایی" not in by_surname
