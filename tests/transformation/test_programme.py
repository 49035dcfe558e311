"""The programme: framework per year, self-assessment, grades, findings, survey, progress."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kalantar.complaints.codes import format_tracking_code
from kalantar.core.audit import AuditEntry
from kalantar.core.persian import to_persian_digits
from kalantar.org import services as org_services
from kalantar.org.models import Unit
from kalantar.portal import disclosure
from kalantar.transformation import services, survey
from kalantar.transformation.models import (
    Characteristic,
    Finding,
    Grade,
    SelfAssessment,
    SurveyResponse,
)
from kalantar.transformation.selectors import survey_summary
from tests.transformation.conftest import first_characteristic

pytestmark = pytest.mark.django_db

ANSWERS = dict.fromkeys(survey.STATEMENT_CODES, 4)


def test_draft_framework_covers_the_four_goals_and_the_themes(year):
    areas = [a.name_en for a in year.areas.all()]
    assert areas == [
        "Empowered personnel",
        "Pleasant stations",
        "Citizens' satisfaction",
        "Faster processes",
    ]
    texts = " ".join(Characteristic.objects.values_list("text_en", flat=True)).lower()
    for theme in ("receipt", "body camera", "cars", "courses", "polite"):
        assert theme in texts
    assert year.areas.first().name == "توانمندسازی پرسنل"


def test_copying_a_year_copies_the_tree_and_leaves_the_source_alone(year, office):
    before = Characteristic.objects.filter(question__area__year=year).count()
    copy = services.copy_year(by=office, source=year, year=1406, title="۱۴۰۶")
    after = Characteristic.objects.filter(question__area__year=copy)
    assert after.count() == before
    assert Characteristic.objects.filter(question__area__year=year).count() == before
    with pytest.raises(ValidationError):
        services.copy_year(by=office, source=year, year=1406, title="again")


def test_self_assessment_on_another_years_characteristic_is_refused(year, enrolled, chief1, office):
    other = services.copy_year(by=office, source=year, year=1406, title="۱۴۰۶")
    with pytest.raises(ValidationError) as refused:
        services.self_assess(
            by=chief1,
            enrolment=enrolled["HM01K01"],
            characteristic=first_characteristic(other),
            rating="met",
        )
    assert "سال دیگری از طرح" in str(refused.value)
    assert not SelfAssessment.objects.exists()


def test_self_assessment_through_the_page_in_persian(client, year, enrolled, chief1, file):
    characteristic = first_characteristic(year)
    complaint = file(channel="desk", lon=48.55, lat=34.85)
    typed = to_persian_digits(format_tracking_code(complaint.tracking_code))
    client.force_login(chief1)
    url = reverse("transformation:self", args=["HM01K01"])
    response = client.post(
        url,
        {
            "characteristic": characteristic.pk,
            "rating": "partly",
            "narrative": "دو دوره برگزار شد",
            "links": typed,
        },
    )
    assert response.status_code == 302
    saved = SelfAssessment.objects.get()
    assert (saved.rating, saved.links) == ("partly", [complaint.tracking_code])
    assert AuditEntry.objects.filter(action="transformation.self_assessed").count() == 1


def test_a_link_to_an_unknown_record_is_refused(client, year, enrolled, chief1, chief2, file):
    other = file(channel="desk", lon=48.65, lat=34.85)  # a complaint of HM01K02
    client.force_login(chief1)
    response = client.post(
        reverse("transformation:self", args=["HM01K01"]),
        {
            "characteristic": first_characteristic(year).pk,
            "rating": "met",
            "links": other.tracking_code,
        },
    )
    assert response.status_code == 400
    assert "هیچ شکایت یا رویدادی از این کلانتری" in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_a_station_cannot_self_assess_another(client, enrolled, chief2):
    client.force_login(chief2)
    assert client.get(reverse("transformation:self", args=["HM01K01"])).status_code == 404
    assert client.get(reverse("transformation:station", args=["HM01K01"])).status_code == 404


def _assessment(inspector, enrolled):
    return services.start_assessment(by=inspector, enrolment=enrolled["HM01K01"])


def test_grade_outside_the_five_tiers_is_refused(year, enrolled, inspector):
    assessment = _assessment(inspector, enrolled)
    question = year.areas.first().questions.first()
    with pytest.raises(ValidationError):
        services.grade(
            by=inspector, assessment=assessment, question=question, tier="excellent", reasons="x"
        )
    assert not Grade.objects.exists()


def test_grade_outside_the_tiers_through_the_form_shows_persian(client, year, enrolled, inspector):
    assessment = _assessment(inspector, enrolled)
    question = year.areas.first().questions.first()
    client.force_login(inspector)
    response = client.post(
        reverse("transformation:grade", args=[assessment.pk]),
        {"question": question.pk, "tier": "excellent", "reasons": "دلیل"},
    )
    assert response.status_code == 400
    assert "برجسته" in response.content.decode()  # the message names the five tiers
    assert not Grade.objects.exists()


def test_grade_needs_reasons_and_a_station_chief_cannot_grade(year, enrolled, inspector, chief1):
    assessment = _assessment(inspector, enrolled)
    question = year.areas.first().questions.first()
    with pytest.raises(ValidationError):
        services.grade(
            by=inspector, assessment=assessment, question=question, tier="good", reasons=" "
        )
    with pytest.raises(ValidationError):
        services.grade(
            by=chief1, assessment=assessment, question=question, tier="good", reasons="خوب"
        )
    services.grade(
        by=inspector, assessment=assessment, question=question, tier="good", reasons="خوب"
    )
    assert Grade.objects.get().tier == "good"


def test_next_assessment_starts_from_the_open_findings(client, year, enrolled, inspector, chief1):
    first = _assessment(inspector, enrolled)
    question = year.areas.first().questions.first()

    def finding(text):
        return services.raise_finding(
            by=inspector,
            assessment=first,
            question=question,
            kind=Finding.Kind.CAUSE_OF_CONCERN,
            text=text,
            owner=chief1,
            due_on=date.today() + timedelta(days=30),
        )

    open_one, closed_one = finding("یافتهٔ باز"), finding("یافتهٔ بسته")
    services.follow_up(by=chief1, finding=open_one, note="در حال انجام")
    with pytest.raises(ValidationError):
        services.follow_up(by=chief1, finding=closed_one, note="بستم", closes=True)
    services.follow_up(by=inspector, finding=closed_one, note="انجام شد", closes=True)
    second = _assessment(inspector, enrolled)
    client.force_login(inspector)
    html = client.get(reverse("transformation:assessment", args=[second.pk])).content.decode()
    assert "یافتهٔ باز" in html and "در حال انجام" in html
    assert "یافتهٔ بسته" not in html


def test_inspector_of_another_province_sees_nothing(client, enrolled, make_user, org_tree):
    other = org_services.create_unit(
        by=None, code="KS", name="کرمانشاه", kind=Unit.Kind.PROVINCE, parent=org_tree["IR"]
    )
    org_services.create_unit(
        by=None, code="KSINS", name="بازرسی", kind=Unit.Kind.INSPECTION, parent=other
    )
    stranger = make_user("insp2", "inspector", "KSINS")
    with pytest.raises(ValidationError):
        services.start_assessment(by=stranger, enrolment=enrolled["HM01K01"])
    client.force_login(stranger)
    assert client.get(reverse("transformation:station", args=["HM01K01"])).status_code == 404


def test_survey_answers_once_per_link_and_is_suppressed_below_the_minimum(year, org_tree, chief1):
    station = org_tree["HM01K01"]
    tokens = services.issue_survey_links(by=chief1, station=station, year=year, count=6)
    services.answer_survey(token=tokens[0], role="officer", answers=ANSWERS)
    with pytest.raises(ValidationError) as twice:
        services.answer_survey(token=tokens[0], role="officer", answers=ANSWERS)
    assert "پیش\u200cتر پاسخ داده شده" in twice.value.messages[0]
    assert SurveyResponse.objects.count() == 1
    for token in tokens[1:4]:
        services.answer_survey(token=token, role="partner", answers=ANSWERS)
    assert survey_summary(station, year) is None  # 4 answers: fewer than the minimum
    services.answer_survey(token=tokens[4], role="resident", answers=ANSWERS)
    summary = survey_summary(station, year)
    assert summary["count"] == 5 and summary["overall"]["polite"] == 4.0
    assert summary["by_role"] == {}  # no role has five answers of its own


def test_survey_response_holds_no_identifier(year, org_tree, chief1):
    token = services.issue_survey_links(by=chief1, station=org_tree["HM01K01"], year=year, count=1)
    services.answer_survey(token=token[0], role="staff", answers=ANSWERS)
    fields = {f.name for f in SurveyResponse._meta.get_fields()}
    assert fields == {"id", "station", "year", "role", "answers"}


def test_survey_page_refuses_a_second_answer_in_persian(client, year, org_tree, chief1):
    token = services.issue_survey_links(by=chief1, station=org_tree["HM01K01"], year=year, count=1)
    url = reverse("transformation:survey", args=[token[0]])
    data = {"role": "partner", **{k: "3" for k in survey.STATEMENT_CODES}}
    assert client.post(url, data).status_code == 200
    again = client.post(url, data)
    assert again.status_code == 400
    assert "پیش\u200cتر پاسخ داده شده" in again.content.decode()
    assert SurveyResponse.objects.count() == 1


def test_survey_minimum_is_the_portals():
    assert survey.MIN_RESPONSES == disclosure.THRESHOLD


def test_progress_page_shows_the_enrolled_share(client, enrolled, province_user):
    client.force_login(province_user)
    html = client.get(reverse("transformation:unit", args=["HM"])).content.decode()
    assert "۶۷٪ کلانتری‌ها" in html  # 2 of the province's 3 stations
    assert "۲ کلانتری از ۳" in html
