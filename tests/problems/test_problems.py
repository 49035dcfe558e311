"""Projects: opening from a surge alert, the analysis figures and the assessment."""

from __future__ import annotations

import math
from datetime import timedelta

import h3
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kalantar.analytics.models import SurgeAlert
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.complaints.services import file_complaint
from kalantar.core.jalali import format_jalali_date, tehran_today
from kalantar.core.models import AuditEntry
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.services import open_incident
from kalantar.problems import selectors, services
from kalantar.problems.drafts import ProblemDraft
from kalantar.problems.models import Assessment, Problem
from tests.conftest import control_classes
from tests.problems.conftest import at_day

K01 = (48.55, 34.85)
ACROSS_THE_BORDER = (48.602, 34.85)  # in HM01K02, a few hundred metres from HM01K01
FAR_AWAY = (48.68, 34.85)


def incident(org_tree, point, day, *, category="home-burglary", hour=22, station="HM01K01"):
    return open_incident(
        by=None,
        report=IncidentReport(
            source="call_110",
            category=category,
            lon=point[0],
            lat=point[1],
            occurred_at=at_day(day, hour),
        ),
        station=org_tree[station],
    )


@pytest.fixture
def alert(org_tree):
    return SurgeAlert.objects.create(
        station=org_tree["HM01K01"],
        category="home-burglary",
        day=tehran_today(),
        current=14,
        baseline_mean=5.2,
        z=3.4,
        p=0.0003,
    )


def test_surge_alert_becomes_a_project(alert, chief):
    problem = services.open_problem_from_alert(by=chief, alert=alert)
    assert problem.origin == "alert" and problem.alert_id == alert.pk
    assert problem.unit.code == "HM01K01" and problem.categories == ["home-burglary"]
    assert problem.period_end == alert.day and problem.period_start == alert.day - timedelta(27)
    alert.refresh_from_db()
    assert alert.status == "project_opened"
    with pytest.raises(ValidationError):
        services.open_problem_from_alert(by=chief, alert=alert)
    assert Problem.objects.count() == 1


def test_the_alert_is_marked_through_analytics_audited_service(alert, chief):
    problem = services.open_problem_from_alert(by=chief, alert=alert)
    marked = AuditEntry.objects.get(action="analytics.alert_status")
    assert marked.object_id == str(alert.pk) and marked.actor_id == chief.pk
    assert marked.detail == {"status": "project_opened"}
    opened = AuditEntry.objects.get(action="problems.open")
    assert opened.detail["number"] == problem.number


def test_new_project_page_takes_the_alert(client, alert, chief):
    client.force_login(chief)
    url = reverse("problems:new") + f"?alert={alert.pk}"
    page = client.get(url)
    assert page.status_code == 200 and "alert-form" in page.content.decode()
    classes = control_classes(client.get(reverse("problems:new")).content.decode())
    assert classes["title"] == classes["area_cells"] == ["form-control"]
    assert classes["unit"] == classes["categories"] == ["form-select"]
    response = client.post(url, {"alert": alert.pk, "title": "سرقت منزل در شهرک"})
    problem = Problem.objects.get()
    assert response.status_code == 302 and problem.title == "سرقت منزل در شهرک"
    assert response["Location"] == reverse("problems:detail", args=[problem.number])


def test_another_station_cannot_open_a_project_from_the_alert(client, alert, other_chief):
    client.force_login(other_chief)
    assert client.get(reverse("problems:new") + f"?alert={alert.pk}").status_code == 404
    with pytest.raises(ValidationError):
        services.open_problem_from_alert(by=other_chief, alert=alert)
    assert Problem.objects.count() == 0


def test_project_by_hand_with_bad_cells_is_refused(org_tree, chief):
    today = tehran_today()
    with pytest.raises(ValidationError) as error:
        services.open_problem(
            by=chief,
            unit=org_tree["HM01K01"],
            origin="manual",
            draft=ProblemDraft(
                title="x",
                period_start=today,
                period_end=today - timedelta(days=1),
                area_cells=["zzz"],
            ),
        )
    assert {"area_cells", "period_end"} <= set(error.value.message_dict)
    assert Problem.objects.count() == 0


def test_analysis_figures_come_from_the_incidents(org_tree, problem):
    day = tehran_today() - timedelta(days=3)
    for _ in range(3):
        incident(org_tree, K01, day, hour=22)
    incident(org_tree, K01, day, hour=9)
    incident(org_tree, K01, day, category="fraud")  # not a category of the project
    incident(org_tree, FAR_AWAY, day, station="HM01K02")  # another station
    figures = selectors.analysis_figures(problem)
    assert figures.total == 4
    assert figures.by_hour[22] == 3 and figures.by_hour[9] == 1
    weekday = (day.weekday() + 2) % 7
    assert figures.by_weekday[weekday] == 4
    assert figures.repeat_places and figures.repeat_places[0][1] == 4


def test_assessment_is_refused_before_the_response_period_ends(problem, chief):
    today = tehran_today()
    services.set_response_period(
        by=chief, problem=problem, start=today - timedelta(days=5), end=today
    )
    with pytest.raises(ValidationError) as error:
        services.assess_problem(by=chief, problem=problem)
    assert "پایان نیافته" in error.value.messages[0]
    assert Assessment.objects.count() == 0


def test_assessment_compares_equal_periods_in_the_area_and_its_ring(org_tree, problem, chief):
    today = tehran_today()
    start, end = today - timedelta(days=20), today - timedelta(days=11)
    services.set_response_period(by=chief, problem=problem, start=start, end=end)
    before_day, after_day = today - timedelta(days=25), today - timedelta(days=15)
    for _ in range(6):
        incident(org_tree, K01, before_day)
    for _ in range(2):
        incident(org_tree, K01, after_day)
    incident(org_tree, ACROSS_THE_BORDER, before_day, station="HM01K02")
    for _ in range(4):
        incident(org_tree, ACROSS_THE_BORDER, after_day, station="HM01K02")
    incident(org_tree, FAR_AWAY, after_day, station="HM01K02")
    incident(org_tree, K01, after_day, category="fraud")
    incident(org_tree, K01, today - timedelta(days=31))  # before the "before" period
    result = services.assess_problem(by=chief, problem=problem)
    assert (result.before_start, result.before_end) == (start - timedelta(10), start - timedelta(1))
    assert (result.area_before, result.area_after) == (6, 2)
    assert (result.ring_before, result.ring_after) == (1, 4)
    assert result.area_z == pytest.approx(2 * (math.sqrt(2) - math.sqrt(6)))
    assert result.ring_z == pytest.approx(2.0)
    assert AuditEntry.objects.filter(action="problems.assess").count() == 1
    problem.refresh_from_db()
    assert problem.stage == "assessment"


def test_assessment_of_chosen_cells(org_tree, chief):
    today = tehran_today()
    cell = h3.latlng_to_cell(K01[1], K01[0], 8)
    problem = services.open_problem(
        by=chief,
        unit=org_tree["HM01K01"],
        origin="hotspot",
        draft=ProblemDraft(
            title="x", period_start=today - timedelta(days=30), period_end=today, area_cells=[cell]
        ),
    )
    services.set_response_period(
        by=chief, problem=problem, start=today - timedelta(days=4), end=today - timedelta(days=1)
    )
    incident(org_tree, K01, today - timedelta(days=6))
    incident(org_tree, K01, today - timedelta(days=2))
    incident(org_tree, K01, today - timedelta(days=2))
    incident(org_tree, (48.52, 34.82), today - timedelta(days=2))  # same station, outside
    result = services.assess_problem(by=chief, problem=problem)
    assert (result.area_before, result.area_after) == (1, 2)


def test_project_page_walks_through_sara(client, org_tree, problem, chief, municipality):
    client.force_login(chief)
    url = reverse("problems:detail", args=[problem.number])
    assert client.get(url).status_code == 200
    response = client.post(
        reverse("problems:analysis", args=[problem.number]),
        {"offender_notes": "جوانان بیکار محله", "place_notes": "کوچه‌های بی‌نور"},
    )
    assert response.status_code == 302
    today = tehran_today()

    response = client.post(
        reverse("problems:add_action", args=[problem.number]),
        {
            "kind": "patrol",
            "description": "گشت شبانه",
            "owner": chief.pk,
            "starts_on": format_jalali_date(today, "fa"),
            "due_on": format_jalali_date(today + timedelta(days=7), "fa"),
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("problems:refer", args=[problem.number]),
        {
            "agency": municipality.pk,
            "subject": "روشنایی",
            "evidence": "شواهد",
            "ask": "تعمیر چراغ‌ها",
            "deadline": format_jalali_date(today + timedelta(days=7), "fa"),
        },
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.stage == "response" and problem.place_notes == "کوچه‌های بی‌نور"
    assert problem.actions.get().owner == chief
    assert problem.referrals.get().agency == municipality


def test_project_from_a_hotspot_cell_and_from_complaints(client, org_tree, chief):
    client.force_login(chief)
    cell = h3.latlng_to_cell(K01[1], K01[0], 8)
    page = client.get(reverse("problems:new"), {"cell": cell})
    assert cell in page.content.decode()
    today = tehran_today()
    fields = {
        "title": "کانون سرقت",
        "unit": org_tree["HM01K01"].pk,
        "area_cells": cell,
        "period_start": format_jalali_date(today - timedelta(days=30), "fa"),
        "period_end": format_jalali_date(today, "fa"),
    }
    response = client.post(reverse("problems:new"), {**fields, "hotspot_cell": cell})
    assert response.status_code == 302
    hotspot = Problem.objects.get(origin="hotspot")
    assert hotspot.area_cells == [cell] and hotspot.hotspot_cell == cell
    complaint = file_complaint(
        by=None,
        channel="desk",
        draft=ComplaintDraft(
            category=Category.objects.get(code="home-burglary"),
            incident_at=at_day(today - timedelta(days=2)),
            summary="سرقت از منزل",
            narrative="دیشب در غیاب ما درب منزل را شکستند و طلاها را بردند.",
            complainant_name="علی رضایی",
            national_code="0499370899",
            lon=K01[0],
            lat=K01[1],
        ),
    )
    response = client.post(
        reverse("problems:new") + f"?complaints={complaint.tracking_code}",
        {**fields, "area_cells": "", "complaint": complaint.tracking_code},
    )
    assert response.status_code == 302
    from_complaints = Problem.objects.get(origin="complaints")
    assert list(from_complaints.complaints.all()) == [complaint]


def test_response_period_from_the_project_page(client, problem, chief):
    client.force_login(chief)
    url = reverse("problems:response_period", args=[problem.number])
    today = tehran_today()
    backwards = {
        "response_start": format_jalali_date(today + timedelta(days=10), "fa"),
        "response_end": format_jalali_date(today, "fa"),
    }
    with translation.override("fa"):
        response = client.post(url, backwards, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 400
    assert "پایان دوره پیش از آغاز آن است" in response.content.decode()
    problem.refresh_from_db()
    assert problem.response_start is None and problem.response_end is None

    forwards = {**backwards, "response_end": format_jalali_date(today + timedelta(days=40), "fa")}
    response = client.post(url, forwards)
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.response_start == today + timedelta(days=10)
    assert problem.response_end == today + timedelta(days=40)
    assert problem.stage == Problem.Stage.RESPONSE
