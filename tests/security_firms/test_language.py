"""The register's pages in Persian show no English, and in English no Persian labels."""

from __future__ import annotations

import pytest

from kalantar.security_firms import assessments, services
from tests.test_i18n import _visible_latin, _visible_persian

from .conftest import CODES, make_applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(registrar, guard, institution, shift_now):
    services.assign(by=None, shift=shift_now, guard=guard)
    make_applicant(institution, CODES[2])
    assessment = assessments.open_assessment(
        by=None, institution=institution, year=assessments.current_year()
    )
    assessments.impose_sanction(
        by=None, institution=institution, kind="warning", reason="آموزش پایه"
    )
    return [
        "/guards/institutions/",
        f"/guards/institutions/{institution.pk}/",
        f"/guards/assessments/{assessment.pk}/",
        "/guards/indicators/",
        "/guards/desk/",
        "/guards/",
        f"/guards/{guard.pk}/",
        f"/guards/{guard.pk}/card/",
        "/guards/apply/",
        f"/guards/check/?number={guard.licence_number}",
    ]


def test_persian_pages_show_no_english(client, registrar, pages, chief1):
    client.force_login(registrar)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _visible_latin(response.content.decode()) <= {"registrar"}, url
    client.force_login(chief1)
    assert _visible_latin(client.get("/guards/on-duty/").content.decode()) <= {"chief1"}


def test_english_pages_show_no_persian_labels(client, registrar, pages):
    client.force_login(registrar)
    client.cookies["kalantar_language"] = "en"
    # Names of people, institutions, sites and units are data, in Persian either way.
    data = {
        "علی",
        "رضایی",
        "مؤسسه",
        "موسسه",
        "انتظام",
        "البرز",
        "آموزش",
        "پایه",
        "مرکز",
        "بانک",
        "مرکزی",
        "شعبه",
        "درب",
        "اصلی",
        "استان",
        "همدان",
        "۱",
    }
    for url in pages:
        shown = _visible_persian(client.get(url).content.decode()) - data
        assert not shown, (url, shown)
