"""Structured safety reports: behaviour first, no description by appearance alone, a reply."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kalantar.community import services
from kalantar.community.models import SafetyReport
from kalantar.core.models import Task
from kalantar.incidents.models import Incident
from kalantar.people import services as people_services
from tests.background import run_background_tasks
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _form(hood, **extra):
    return {
        "behaviour": "doors",
        "what_happened": "دو نفر دستگیرهٔ خودروها را امتحان می‌کردند",
        "happened_at": "1405/09/10 22:30",
        "neighbourhood": hood.pk,
        "place": "کوچهٔ نسترن",
        **extra,
    }


def test_the_form_asks_for_the_behaviour_before_any_person(client, hood1):
    html = client.get(reverse("community:public_report")).content.decode()
    assert (
        html.index('name="behaviour"')
        < html.index('name="clothing_top"')
        < html.index('name="appearance"')
    )


@pytest.mark.parametrize(
    "person",
    [
        {"appearance": "جوان لاغر"},
        {"appearance": "جوان", "clothing_top": "کاپشن سرمه‌ای"},
        {"clothing_top": "کاپشن سرمه‌ای"},
    ],
)
def test_a_person_described_with_fewer_than_two_details_is_refused(client, hood1, person):
    response = client.post(reverse("community:public_report"), _form(hood1, **person))
    assert "دست‌کم دو نشانهٔ متمایزکننده" in response.content.decode()
    assert not SafetyReport.objects.exists()


def test_a_report_lands_as_intelligence_not_an_incident(client, hood1):
    details = {"clothing_top": "کاپشن سرمه‌ای", "vehicle": "موتور قرمز", "appearance": "جوان"}
    response = client.post(
        reverse("community:public_report"), _form(hood1, mobile="09181234567", **details)
    )
    assert "گزارش شما را دریافت کرد" in response.content.decode()
    report = SafetyReport.objects.get()
    assert report.station.code == "HM01K01" and report.status == "new"
    assert report.details == {"clothing_top": "کاپشن سرمه‌ای", "vehicle": "موتور قرمز"}
    assert not Incident.objects.exists()


def test_a_report_with_no_person_needs_no_details(client, hood1):
    client.post(reverse("community:public_report"), _form(hood1, behaviour="danger"))
    assert SafetyReport.objects.count() == 1


def test_the_station_reviews_and_the_resident_hears_back_by_sms(
    client, chief1, hood1, outbox, django_capture_on_commit_callbacks
):
    client.post(reverse("community:public_report"), _form(hood1, mobile="09181234567"))
    report = SafetyReport.objects.get()
    client.force_login(chief1)
    assert "کوچهٔ نسترن" in client.get(reverse("community:reports")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("community:report", args=[report.pk]), {"reply": "گشت افزایش یافت."}
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "reviewed" and report.reviewed_by == chief1
    run_background_tasks()
    assert outbox == [("09181234567", "کلانتری، دربارهٔ گزارش ایمنی شما: گشت افزایش یافت.")]


def test_another_station_cannot_see_or_review(client, chief2, hood1):
    client.post(reverse("community:public_report"), _form(hood1))
    report = SafetyReport.objects.get()
    client.force_login(chief2)
    assert "کوچهٔ نسترن" not in client.get(reverse("community:reports")).content.decode()
    assert (
        client.post(reverse("community:report", args=[report.pk]), {"reply": "x"}).status_code
        == 404
    )
    report.refresh_from_db()
    assert report.status == "new"


def test_a_volunteer_reports_and_reads_the_reply_on_their_page(
    client, chief1, group1, make_volunteer
):
    volunteer = make_volunteer(group1)
    user = people_services.add_user(
        by=None, username="vol", role="volunteer", unit_code="HM01K01", password=PASSWORD
    )
    services.link_account(by=chief1, volunteer=volunteer, user=user)
    client.force_login(user)
    assert 'name="mobile"' not in client.get(reverse("community:me_report")).content.decode()
    client.post(reverse("community:me_report"), _form(group1.neighbourhood))
    report = SafetyReport.objects.get()
    assert report.volunteer == volunteer
    services.review_report(by=chief1, report=report, reply="از گزارش دقیق شما سپاسگزاریم.")
    assert "از گزارش دقیق شما سپاسگزاریم." in client.get(reverse("community:me")).content.decode()


def test_a_reply_whose_task_runs_again_reaches_the_resident_once(client, chief1, hood1, outbox):
    client.post(reverse("community:public_report"), _form(hood1, mobile="09181234567"))
    report = SafetyReport.objects.get()
    services.review_report(by=chief1, report=report, reply="گشت افزایش یافت.")
    assert not outbox  # queued with the review, not sent from the request
    assert run_background_tasks() == 1
    # A worker that died after the gateway took the SMS: the queue runs the task again.
    Task.objects.filter(name="core.sms").update(status=Task.Status.QUEUED)
    assert run_background_tasks() == 1
    assert outbox == [("09181234567", "کلانتری، دربارهٔ گزارش ایمنی شما: گشت افزایش یافت.")]
