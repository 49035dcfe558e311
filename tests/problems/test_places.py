"""Analysis pages name places a person recognises, not H3 cell ids."""

from __future__ import annotations

from datetime import timedelta

import h3
import pytest
from django.urls import reverse
from django.utils import translation

from kalantar.analytics.models import SurgeAlert
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.complaints.services import file_complaint
from kalantar.core.jalali import tehran_today
from kalantar.incidents.places import nearest_name
from kalantar.incidents.services import H3_RESOLUTION
from kalantar.problems import services
from tests.problems.conftest import at_day
from tests.problems.test_problems import K01, incident

STREET = "همدان، خیابان بوعلی، کوچه ۱۲"


def test_nearest_recorded_place_names_a_point():
    places = [(34.8500, 48.5500, "نزدیک"), (34.8600, 48.5500, "دور")]
    assert nearest_name(34.8501, 48.5501, places)[0] == "نزدیک"
    assert nearest_name(34.8501, 48.5501, places)[1] < 50
    # More than 1.5 km from everything recorded: no name.
    assert nearest_name(34.9000, 48.5500, places)[0] == ""


def test_most_frequent_places_are_named_not_cell_ids(client, org_tree, problem, chief):
    day = tehran_today() - timedelta(days=3)
    for _ in range(3):
        incident(org_tree, K01, day)
    file_complaint(
        by=None,
        channel="desk",
        draft=ComplaintDraft(
            category=Category.objects.get(code="home-burglary"),
            incident_at=at_day(day),
            summary="سرقت از منزل",
            narrative="درب منزل را شکستند.",
            complainant_name="علی رضایی",
            national_code="0499370899",
            location_text=STREET,
            lon=K01[0] + 0.0002,
            lat=K01[1],
        ),
    )
    client.force_login(chief)
    client.cookies["kalantar_language"] = "fa"
    html = client.get(reverse("problems:detail", args=[problem.number])).content.decode()
    cell = h3.latlng_to_cell(K01[1], K01[0], H3_RESOLUTION)
    table = html.split('id="top-cells"')[1].split("</table>")[0]
    assert "بوعلی" in table
    assert f">{cell}<" not in table  # the cell is only in the map link
    assert f"cell={cell}" in table and reverse("org:map") in table


@pytest.fixture
def surge_alert(org_tree):
    return SurgeAlert.objects.create(
        station=org_tree["HM01K01"],
        category="home-burglary",
        day=tehran_today(),
        current=14,
        baseline_mean=5.2,
        z=3.4,
        p=0.0003,
    )


def test_a_surge_alerts_trigger_reads_in_the_page_language(client, surge_alert, chief):
    alert = surge_alert

    with translation.override("fa"):
        problem = services.open_problem_from_alert(by=chief, alert=alert)
    client.force_login(chief)
    url = reverse("problems:detail", args=[problem.number])
    client.cookies["kalantar_language"] = "en"
    html = client.get(url).content.decode()
    scanning = html.split('id="scanning"')[1].split("</section>")[0]
    assert "Surge alert: 14 in the 28 days" in scanning
    client.cookies["kalantar_language"] = "fa"
    html = client.get(url).content.decode()
    scanning = html.split('id="scanning"')[1].split("</section>")[0]
    assert "Surge alert" not in scanning and "۱۴" in scanning
