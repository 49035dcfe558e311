"""Satisfaction surveys: sent when a case closes, answered once, anonymous to the station."""

import pytest
from django.urls import reverse

from kalantar.complaints import services as complaint_services
from kalantar.feedback import selectors, services
from kalantar.feedback.models import SurveyAnswer, SurveyLink
from kalantar.incidents import services as incident_services
from tests.background import run_background_tasks

pytestmark = pytest.mark.django_db

GOOD = {
    "ease_of_contact": "5",
    "actions_taken": "۴",
    "kept_informed": "4",
    "treatment": "5",
    "whole_experience": "4",
    "safety": "fairly_safe",
}


@pytest.fixture
def link(org_tree):
    return services.send_survey(
        source="feedback", source_id=1, unit=org_tree["HM01K01"], mobile="09121234567"
    )


def _post(client, token, **changes):
    data = {**GOOD, "link": token, **changes}
    return client.post(reverse("feedback:survey", args=[token]), data)


def test_a_closed_complaint_sends_a_survey_link_by_sms(
    file, chief1, outbox, django_capture_on_commit_callbacks
):
    complaint = file()
    with django_capture_on_commit_callbacks(execute=True):
        complaint_services.assign_complaints(by=chief1, complaints=[complaint], officer=chief1)
        for status in ("investigating", "resolved", "closed"):
            complaint = complaint_services.change_status(
                by=chief1, complaint=complaint, to_status=status
            )
    run_background_tasks()
    link = SurveyLink.objects.get(source="complaint", source_id=complaint.pk)
    assert any(link.token in text for _to, text in outbox)


def test_a_closed_197_case_sends_a_link(
    record, operator, outbox, django_capture_on_commit_callbacks
):
    message = record(caller_mobile="09121234567")
    services.confirm_message(
        by=operator, message=message, msg_class="appreciation", topic="traffic"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.close_message(by=operator, message=message, outcome="answered")
    run_background_tasks()
    assert SurveyLink.objects.filter(source="feedback", source_id=message.pk).exists()
    assert outbox and outbox[0][0] == "09121234567"


def test_an_answer_shows_on_the_report_card_without_the_case(client, link, chief1):
    response = _post(client, link.token)
    assert response.status_code == 200 and "survey-thanks" in response.content.decode()
    answer = SurveyAnswer.objects.get()
    assert answer.actions_taken == 4
    assert not any(f.name in {"source_id", "token"} for f in SurveyAnswer._meta.fields)
    year, quarter = selectors.current_quarter()
    start, end = selectors.quarter_bounds(year, quarter)
    card = selectors.report_card(chief1, start=start, end=end)
    assert card["answers"] == 1 and card["kept_informed_rate"] == 100


def test_a_link_used_twice_gets_a_clear_message(client, link):
    _post(client, link.token)
    again = _post(client, link.token)
    assert again.status_code == 400
    assert "قبلاً" in again.content.decode()
    assert client.get(reverse("feedback:survey", args=[link.token])).status_code == 410
    assert SurveyAnswer.objects.count() == 1


def test_an_answer_for_another_link_is_refused(client, link, org_tree):
    other = services.send_survey(
        source="feedback", source_id=2, unit=org_tree["HM01K02"], mobile=""
    )
    response = _post(client, link.token, link=other.token)
    assert response.status_code == 400 and "پیوند" in response.content.decode()
    assert not SurveyAnswer.objects.exists()


def test_free_text_in_a_score_is_refused(client, link):
    response = _post(client, link.token, treatment="خیلی خوب")
    assert response.status_code == 400
    assert "۱ تا ۵" in response.content.decode()
    assert not SurveyAnswer.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None


def test_an_unknown_link_is_not_found(client, org_tree):
    assert client.get(reverse("feedback:survey", args=["nope"])).status_code == 404


def test_the_report_card_of_one_station(client, org_tree, province_user):
    for unit in ("HM01K01", "HM01K02"):
        link = services.send_survey(
            source="feedback", source_id=org_tree[unit].pk, unit=org_tree[unit], mobile=""
        )
        _post(client, link.token, treatment="1" if unit == "HM01K02" else "5")
    client.force_login(province_user)
    page = client.get(reverse("feedback:report_card"), {"station": "HM01K02"}).content.decode()
    assert "پاسخ‌های نظرسنجی: ۱" in page
    assert "نحوهٔ برخورد</td><td>۱٫۰۰" in page  # the treatment score of HM01K02 alone


def test_an_incident_with_a_known_reporter_sends_one_link(
    file, chief1, outbox, django_capture_on_commit_callbacks
):
    complaint = file()
    incident = incident_services.incident_for_complaint(by=chief1, complaint=complaint)
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.close_incident(by=chief1, incident=incident, outcome="حل شد")
    run_background_tasks()
    link = SurveyLink.objects.get(source="complaint", source_id=complaint.pk)
    assert [to for to, text in outbox if link.token in text] == [complaint.mobile]
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_for_closed_complaint(complaint=complaint)
    run_background_tasks()
    assert SurveyLink.objects.count() == 1  # the complaint closing later sends no second one
    assert [to for to, text in outbox if link.token in text] == [complaint.mobile]
