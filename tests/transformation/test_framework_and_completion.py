"""The programme office edits, reorders and deletes framework entries (never one an
assessment rests on); an inspector completes an assessment, which then stays as it is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kalantar.core.audit import AuditEntry
from kalantar.transformation import selectors, services
from kalantar.transformation.models import Area, Characteristic, Finding, Grade, Question
from tests.transformation.conftest import first_characteristic

pytestmark = pytest.mark.django_db


def _change(client, year, kind: str, pk: int, action: str, **data):
    url = reverse("transformation:framework_change", args=[kind, pk, action])
    return client.post(url, {"year_of_page": year.year, **data}, follow=True)


def _page_text(response) -> str:
    return response.content.decode()


def test_the_office_rewords_a_characteristic_and_its_indicators(client, year, office):
    characteristic = first_characteristic(year)
    client.force_login(office)
    client.cookies["kalantar_language"] = "fa"
    response = _change(
        client,
        year,
        "characteristic",
        characteristic.pk,
        "edit",
        text="رسيد براي هر شكايت، بی‌درنگ",  # Arabic yeh and kaf
        text_en="A receipt for every complaint",
        codes=["receipts_issued", "satisfaction"],
    )
    assert "ذخیره شد" in _page_text(response)
    characteristic.refresh_from_db()
    assert characteristic.text == "رسید برای هر شکایت، بی‌درنگ"
    assert characteristic.indicators == ["receipts_issued", "satisfaction"]
    entry = AuditEntry.objects.get(action="transformation.framework_edited")
    assert entry.actor_username == "office" and entry.object_id == str(characteristic.pk)


def test_an_edit_without_persian_text_changes_nothing(client, year, office):
    area = year.areas.first()
    name = area.name
    client.force_login(office)
    client.cookies["kalantar_language"] = "fa"
    response = _change(client, year, "area", area.pk, "edit", text="  ", text_en="Empty")
    assert "متن فارسی" in _page_text(response)
    area.refresh_from_db()
    assert (area.name, area.name_en) != ("", "Empty") and area.name == name


def test_moving_questions_swaps_their_order_and_stops_at_the_ends(client, year, office):
    area = year.areas.first()
    first, second = list(area.questions.order_by("order"))[:2]
    client.force_login(office)
    _change(client, year, "question", second.pk, "up")
    assert list(area.questions.order_by("order").values_list("pk", flat=True))[:2] == [
        second.pk,
        first.pk,
    ]
    before = list(area.questions.order_by("order").values_list("pk", "order"))
    _change(client, year, "question", second.pk, "up")  # already first: nothing changes
    assert list(area.questions.order_by("order").values_list("pk", "order")) == before
    assert AuditEntry.objects.filter(action="transformation.framework_moved").count() == 1
    page = client.get(reverse("transformation:framework"), HTTP_ACCEPT_LANGUAGE="fa")
    html = page.content.decode()
    assert html.index(f'id="question-{second.pk}"') < html.index(f'id="question-{first.pk}"')


def test_deleting_an_unused_entry_closes_the_numbering(client, year, office):
    area = year.areas.first()
    questions = list(area.questions.order_by("order"))
    client.force_login(office)
    _change(client, year, "question", questions[0].pk, "delete")
    assert not Question.objects.filter(pk=questions[0].pk).exists()
    assert list(area.questions.order_by("order").values_list("order", flat=True)) == list(
        range(1, len(questions))
    )
    entry = AuditEntry.objects.get(action="transformation.framework_deleted")
    assert entry.detail["text"] == questions[0].text


def test_an_entry_with_a_self_assessment_or_a_grade_is_kept(
    client, year, enrolled, office, chief1, inspector
):
    characteristic = first_characteristic(year)
    services.self_assess(
        by=chief1, enrolment=enrolled["HM01K01"], characteristic=characteristic, rating="met"
    )
    client.force_login(office)
    client.cookies["kalantar_language"] = "fa"
    response = _change(client, year, "characteristic", characteristic.pk, "delete")
    assert "ارزیابی یا یافته" in _page_text(response)
    assert Characteristic.objects.filter(pk=characteristic.pk).exists()
    graded_area = Area.objects.exclude(pk=characteristic.question.area_id).filter(year=year)[0]
    assessment = services.start_assessment(by=inspector, enrolment=enrolled["HM01K01"])
    services.grade(
        by=inspector,
        assessment=assessment,
        question=graded_area.questions.first(),
        tier="good",
        reasons="خوب",
    )
    with pytest.raises(ValidationError):
        services.delete_entry(by=office, entry=graded_area)
    assert Area.objects.filter(pk=graded_area.pk).exists()
    assert not AuditEntry.objects.filter(action="transformation.framework_deleted").exists()


def test_only_the_programme_office_changes_the_framework(client, year, chief1):
    area = year.areas.first()
    client.force_login(chief1)
    url = reverse("transformation:framework_change", args=["area", area.pk, "delete"])
    assert client.post(url, {"year_of_page": year.year}).status_code == 403
    assert Area.objects.filter(pk=area.pk).exists()


def test_an_entry_of_another_year_is_not_found_under_this_one(client, year, office):
    other = services.copy_year(by=office, source=year, year=1406, title="۱۴۰۶")
    area = other.areas.first()
    client.force_login(office)
    url = reverse("transformation:framework_change", args=["area", area.pk, "delete"])
    assert client.post(url, {"year_of_page": year.year}).status_code == 404


def _questions(year):
    return list(Question.objects.filter(area__year=year))


def _grade_all(inspector, assessment, year, tier="good"):
    for question in _questions(year):
        services.grade(
            by=inspector, assessment=assessment, question=question, tier=tier, reasons="دلیل"
        )


def test_an_assessment_completes_only_when_every_question_is_graded(
    client, year, enrolled, inspector
):
    assessment = services.start_assessment(by=inspector, enrolment=enrolled["HM01K01"])
    services.grade(
        by=inspector,
        assessment=assessment,
        question=_questions(year)[0],
        tier="good",
        reasons="دلیل",
    )
    client.force_login(inspector)
    client.cookies["kalantar_language"] = "fa"
    response = client.post(reverse("transformation:complete", args=[assessment.pk]))
    assert response.status_code == 400
    assert "همهٔ پرسش‌ها" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.completed_at is None


def test_a_completed_assessment_is_locked_audited_and_published(
    client, year, enrolled, inspector, chief1, province_user
):
    assessment = services.start_assessment(by=inspector, enrolment=enrolled["HM01K01"])
    _grade_all(inspector, assessment, year)
    hm = enrolled["HM01K01"].station.parent.parent
    assert dict((c, n) for c, _l, n in selectors.grade_counts(year, hm))["good"] == 0
    client.force_login(inspector)
    client.cookies["kalantar_language"] = "fa"
    response = client.post(reverse("transformation:complete", args=[assessment.pk]), follow=True)
    html = response.content.decode()
    assert 'id="assessment-complete"' in html and 'id="complete-form"' not in html
    assert 'name="tier"' not in html
    assessment.refresh_from_db()
    assert assessment.completed_at is not None
    assert AuditEntry.objects.filter(
        action="transformation.assessment_completed", object_id=str(assessment.pk)
    ).exists()
    question = _questions(year)[0]
    with pytest.raises(ValidationError, match="پایان"):
        services.grade(
            by=inspector, assessment=assessment, question=question, tier="inadequate", reasons="x"
        )
    with pytest.raises(ValidationError):
        services.raise_finding(
            by=inspector,
            assessment=assessment,
            question=question,
            kind=Finding.Kind.AREA_FOR_IMPROVEMENT,
            text="دیرکرد",
            owner=chief1,
            due_on=date.today() + timedelta(days=30),
        )
    with pytest.raises(ValidationError):
        services.complete_assessment(by=inspector, assessment=assessment)
    assert set(Grade.objects.values_list("tier", flat=True)) == {"good"}
    counts = dict((c, n) for c, _l, n in selectors.grade_counts(year, hm))
    assert counts["good"] == len(_questions(year)) and counts["inadequate"] == 0
    client.force_login(province_user)
    station = client.get(reverse("transformation:station", args=["HM01K01"])).content.decode()
    assert 'id="assessment-state"' in station and "پایان یافت" in station


def test_another_provinces_inspector_cannot_complete(
    client, year, enrolled, inspector, other_province
):
    assessment = services.start_assessment(by=inspector, enrolment=enrolled["HM01K01"])
    _grade_all(inspector, assessment, year)
    stranger = other_province["inspector"]
    client.force_login(stranger)
    assert client.post(reverse("transformation:complete", args=[assessment.pk])).status_code == 404
    with pytest.raises(ValidationError):
        services.complete_assessment(by=stranger, assessment=assessment)
    assessment.refresh_from_db()
    assert assessment.completed_at is None


def test_a_question_without_its_area_or_under_another_years_is_not_found(client, year, office):
    other = services.copy_year(by=office, source=year, year=1406, title="۱۴۰۶")
    client.force_login(office)
    url = reverse("transformation:framework_add", args=["question"])
    before = Question.objects.count()
    for parent in ("", "x", str(other.areas.first().pk)):
        data = {"year_of_page": year.year, "parent": parent, "text": "پرسش تازه"}
        assert client.post(url, data).status_code == 404
    assert Question.objects.count() == before
    data = {"year_of_page": year.year, "parent": year.areas.first().pk, "text": "پرسش تازه"}
    assert client.post(url, data).status_code == 302
    assert Question.objects.count() == before + 1
