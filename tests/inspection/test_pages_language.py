"""The inspection and officer pages in Persian show no English, and in English no Persian
interface text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kalantar.inspection import services
from kalantar.inspection.drafts import CaseReport
from kalantar.people import services as people_services
from tests.test_i18n import _visible_latin

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(inspector, accused):
    inspector.first_name, inspector.last_name = "مهدی", "جعفری"
    inspector.save()
    people_services.record_commendation(by=None, officer=accused, source="197", note="سپاس")
    return services.open_case(
        by=inspector,
        report=CaseReport(
            source_kind="inspector",
            station=accused.unit,
            summary="رفتار تند",
            accused_officer=accused,
        ),
    )


def test_inspector_pages_in_persian_show_no_english(client, inspector, accused, case):
    client.force_login(inspector)
    client.cookies["kalantar_language"] = "fa"
    for url in (
        reverse("home"),
        reverse("inspection:desk"),
        reverse("inspection:open"),
        reverse("inspection:case", args=[case.pk]),
        reverse("inspection:reviews"),
        reverse("people:officers"),
        reverse("people:officer", args=[accused.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _visible_latin(response.content.decode()) == set(), url


def test_the_case_page_in_english(client, inspector, case):
    client.force_login(inspector)
    client.cookies["kalantar_language"] = "en"
    html = client.get(reverse("inspection:case", args=[case.pk])).content.decode()
    assert "Start the preliminary review" in html and "Opened by an inspector" in html
