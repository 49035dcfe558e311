"""The feeling of security: intervals, suppression below the portal's minimum, the gap."""

import json
from datetime import date

import h3
import pytest
from django.core.cache import cache
from django.urls import reverse

from kalantar.feedback import perception, selectors, services
from kalantar.feedback.models import NeighbourhoodAnswer, NeighbourhoodSurvey
from kalantar.portal import disclosure
from kalantar.problems import services as problem_services
from kalantar.problems.drafts import ProblemDraft
from tests.factories import INSIDE_K01, INSIDE_K02


def test_the_minimum_count_is_the_portals():
    assert perception.MIN_COUNT == disclosure.THRESHOLD


def test_wilson_interval_holds_the_share_and_narrows_with_answers():
    low, high = perception.wilson(3, 10)
    assert low < 0.3 < high
    low2, high2 = perception.wilson(30, 100)
    assert high2 - low2 < high - low
    assert perception.wilson(0, 5)[0] == 0.0


def test_a_gap_where_people_feel_unsafe_though_incidents_are_few():
    counts = {"a": (20, 18), "b": (20, 2), "c": (20, 3), "d": (3, 3)}
    incidents = {"a": 0, "b": 9, "c": 8}
    cells, overall = perception.results(counts, incidents)
    by_cell = {c.cell: c for c in cells}
    assert by_cell["a"].gap == perception.FEELS_UNSAFE
    assert by_cell["d"].suppressed and by_cell["d"].unsafe_share is None
    assert overall == pytest.approx(23 / 60)


@pytest.fixture
def survey(operator, org_tree):
    return services.create_neighbourhood_survey(
        by=operator, unit=org_tree["HM01K01"], title="نظرسنجی محله", extra_questions="روشنایی کوچه"
    )


def _answer(survey, point, feel="very_unsafe"):
    values = {q["key"]: feel for q in survey.questions}
    return services.answer_neighbourhood_survey(
        survey=survey, lat=point["lat"], lon=point["lon"], values=values
    )


@pytest.mark.django_db
def test_an_answer_keeps_the_cell_not_the_point(survey):
    answer = _answer(survey, INSIDE_K01)
    assert answer.cell == h3.latlng_to_cell(INSIDE_K01["lat"], INSIDE_K01["lon"], 8)
    fields = {f.name for f in NeighbourhoodAnswer._meta.fields}
    assert not fields & {"lat", "lon", "address"}
    assert len(survey.questions) == 3


@pytest.mark.django_db
def test_three_answers_are_suppressed_with_a_reason(survey, operator, client):
    for _ in range(3):
        _answer(survey, INSIDE_K02)
    cells, _overall = selectors.neighbourhood_results(operator, survey)
    assert cells[0].suppressed
    client.force_login(operator)
    page = client.get(reverse("feedback:neighbourhood", args=[survey.pk])).content.decode()
    assert "کمتر از ۵ پاسخ" in page


@pytest.mark.django_db
def test_free_text_for_the_place_is_refused_in_persian(survey, client):
    data = {q["key"]: "fairly_safe" for q in survey.questions}
    response = client.post(
        reverse("feedback:safety", args=[survey.token]), {**data, "lat": "خانه ما", "lon": ""}
    )
    assert response.status_code == 400
    assert "نقشه" in response.content.decode()
    assert not NeighbourhoodAnswer.objects.exists()


def _post_answer(client, survey, point=INSIDE_K01):
    values = {q["key"]: "fairly_safe" for q in survey.questions}
    url = reverse("feedback:safety", args=[survey.token])
    return client.post(url, {**values, "lat": str(point["lat"]), "lon": str(point["lon"])})


@pytest.mark.django_db
def test_the_public_survey_link_is_rate_limited_per_address(survey, client, settings):
    cache.clear()
    settings.NEIGHBOURHOOD_SURVEY_RATE = "2/h"
    statuses = [_post_answer(client, survey).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = _post_answer(client, survey).content.decode()
    assert "ثبت نشد" in refused
    assert NeighbourhoodAnswer.objects.count() == 2


@pytest.mark.django_db
def test_a_volunteer_at_the_door_has_a_larger_allowance(survey, client, settings, operator):
    cache.clear()
    settings.NEIGHBOURHOOD_SURVEY_RATE = "1/h"
    settings.NEIGHBOURHOOD_SURVEY_DOOR_RATE = "3/h"
    client.force_login(operator)
    statuses = [_post_answer(client, survey).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert NeighbourhoodAnswer.objects.count() == 3


def _point(step: int) -> dict:
    # Neighbourhood cells apart from each other, east of the first station's point.
    return {"lat": INSIDE_K01["lat"], "lon": INSIDE_K01["lon"] + 0.03 * step}


@pytest.fixture
def gap(survey):
    """One neighbourhood feels very unsafe, two feel safe, none has incidents; a fourth
    has three answers only."""
    for _ in range(10):
        _answer(survey, _point(0), "very_unsafe")
        _answer(survey, _point(1), "very_safe")
        _answer(survey, _point(2), "very_safe")
    for _ in range(3):
        _answer(survey, _point(3), "very_unsafe")
    return h3.latlng_to_cell(_point(0)["lat"], _point(0)["lon"], perception.RESOLUTION)


@pytest.mark.django_db
def test_the_map_data_marks_the_gap_and_hides_small_cells(survey, operator, client, gap):
    client.force_login(operator)
    page = client.get(reverse("feedback:neighbourhood", args=[survey.pk])).content.decode()
    assert 'id="gap-map"' in page and "feedback/gap_map.js" in page and "<script>" not in page
    cells, _overall = selectors.neighbourhood_results(operator, survey)
    features = json.loads(selectors.gap_map(cells))["features"]
    by_gap = {f["properties"]["gap"]: f for f in features if f["properties"]["gap"]}
    assert list(by_gap) == [perception.FEELS_UNSAFE]
    assert "۱۰ پاسخ" in by_gap[perception.FEELS_UNSAFE]["properties"]["label"]
    hidden = [f["properties"] for f in features if f["properties"]["suppressed"]]
    assert len(hidden) == 1 and hidden[0]["share"] is None
    assert "۳" not in hidden[0]["label"]  # not even the count of the few answers


@pytest.mark.django_db
def test_the_gap_reaches_the_stations_problem_list_only(client, make_user, gap):
    chief1 = make_user("chief1", "station_chief", "HM01K01")
    chief2 = make_user("chief2", "station_chief", "HM01K02")
    client.force_login(chief1)
    page = client.get(reverse("problems:list")).content.decode()
    assert "احساس ناامنی" in page and gap in page and "آزمون" in page
    client.force_login(chief2)
    assert gap not in client.get(reverse("problems:list")).content.decode()


@pytest.mark.django_db
def test_a_project_opened_for_the_gap_takes_it_off_the_list(client, make_user, gap):
    chief1 = make_user("chief1", "station_chief", "HM01K01")
    client.force_login(chief1)
    lead = selectors.perception_gap_leads(chief1)[0]
    form = client.get(reverse("problems:new"), {"cell": lead.cell, "title": lead.title})
    assert lead.title in form.content.decode()
    problem_services.open_problem_by_hand(
        by=chief1,
        unit=chief1.unit,
        draft=ProblemDraft.from_fields(
            {
                "title": lead.title,
                "area_cells": [lead.cell],
                "period_start": date(2026, 1, 1),
                "period_end": date(2026, 3, 1),
                "trigger": lead.trigger,
            }
        ),
        complaint_codes=[],
    )
    assert gap not in client.get(reverse("problems:list")).content.decode()


@pytest.mark.django_db
def test_the_kept_tallies_agree_with_counting_the_answers(survey, operator, gap):
    kept = selectors.neighbourhood_results(operator, survey)
    assert services.retally_neighbourhood_survey(survey) == 4
    assert selectors.neighbourhood_results(operator, survey) == kept
    assert sum(c.answers for c in kept[0]) == NeighbourhoodAnswer.objects.count() == 33


def test_an_account_without_a_unit_is_offered_no_unit_to_run_a_survey(client, operator, org_tree):
    type(operator).objects.filter(pk=operator.pk).update(unit=None)
    client.force_login(operator)
    url = reverse("feedback:neighbourhoods")
    page = client.get(url).content.decode()
    select = page[page.index('name="unit"') : page.index("</select>", page.index('name="unit"'))]
    assert "<option" not in select.replace('<option value="" selected>', "")
    message = "حساب شما در هیچ واحدی نیست"
    assert message in page
    refused = client.post(url, {"title": "نظرسنجی", "unit": org_tree["HM01K01"].pk})
    assert message in refused.content.decode()
    assert not NeighbourhoodSurvey.objects.exists()


def test_a_province_operator_is_offered_the_units_of_the_province(client, operator, org_tree):
    client.force_login(operator)
    page = client.get(reverse("feedback:neighbourhoods")).content.decode()
    assert f'value="{org_tree["HM01K01"].pk}"' in page
    assert f'value="{org_tree["HM"].pk}"' in page
    assert f'value="{org_tree["IR"].pk}"' not in page
