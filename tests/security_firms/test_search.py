"""Staff search of the register by name: surnames first, a page at a time, in scope."""

from __future__ import annotations

import pytest

from kalantar.core.validators import national_code_check_digit
from kalantar.people import services as people_services
from kalantar.security_firms import selectors

from .conftest import make_applicant

pytestmark = pytest.mark.django_db


def code(n: int) -> str:
    nine = f"{n:09d}"
    return nine + str(national_code_check_digit(nine))


@pytest.fixture
def api(client, registrar):
    _token, raw = people_services.create_token(by=None, user=registrar, name="test")
    return lambda **params: client.get(
        "/api/guards/", params, headers={"Authorization": f"Bearer {raw}"}
    ).json()


@pytest.fixture
def people(institution, other_institution):
    names = [
        ("احمد", "کریمی"),  # first name matches
        ("مریم", "احمدی"),  # surname matches
        ("علی", "احمدزاده"),  # surname matches
        ("زهرا", "نوری"),  # no match
    ]
    for n, (first, last) in enumerate(names):
        make_applicant(institution, code(100 + n), first_name=first, last_name=last)
    make_applicant(other_institution, code(200), first_name="رضا", last_name="احمدی")


def test_surname_matches_come_first_then_first_names(api, people):
    found = api(q="احمد")
    names = [g["name"] for g in found["items"]]
    assert names == ["علی احمدزاده", "مریم احمدی", "احمد کریمی"]
    assert found["count"] == 3  # not the guard of the other province


def test_pages_run_on_from_surnames_into_first_names(api, people):
    pages = [api(q="احمد", limit=2, offset=offset) for offset in (0, 2, 4)]
    assert [[g["name"] for g in p["items"]] for p in pages] == [
        ["علی احمدزاده", "مریم احمدی"],
        ["احمد کریمی"],
        [],
    ]
    assert {p["count"] for p in pages} == {3}


def test_a_full_name_and_arabic_letters_find_the_guard(api, people):
    assert [g["name"] for g in api(q="مريم احمدي")["items"]] == ["مریم احمدی"]
    assert [g["name"] for g in api(q="احمدی مریم")["items"]] == ["مریم احمدی"]


def test_the_count_stops_at_the_cap(api, people, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", 2)
    found = api(q="احمد", limit=1)
    assert found["count"] == 2
    assert [g["name"] for g in found["items"]] == ["علی احمدزاده"]
