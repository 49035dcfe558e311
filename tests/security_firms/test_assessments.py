"""Institutions' annual assessments against the published indicators, and sanctions: the
registrar's pages, refusals in Persian that change nothing, and each province's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.core.models import AuditEntry
from kalantar.people import services as people_services
from kalantar.security_firms import assessments, services
from kalantar.security_firms.models import Assessment, Finding, Indicator, Sanction

pytestmark = pytest.mark.django_db


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_indicators_are_published_for_anyone(client):
    page = _page(client, "/guards/indicators/")
    assert "گزینش نگهبانان طبق دستورالعمل" in page
    assert Indicator.objects.filter(is_active=True).count() == 8


def test_a_registrar_assesses_an_institution_and_decides(client, registrar, institution):
    client.force_login(registrar)
    year = assessments.current_year()
    response = client.post(
        f"/guards/institutions/{institution.pk}/assess/",
        {
            "year": str(year).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")),
            "self_assessment": "همه نگهبانان آموزش دیده‌اند.",
        },
    )
    assessment = Assessment.objects.get(institution=institution)
    assert response.status_code == 302 and assessment.year == year
    url = f"/guards/assessments/{assessment.pk}/"
    first, second = Indicator.objects.order_by("position")[:2]
    for indicator, kind in ((first, "must_fix"), (second, "should_fix")):
        client.post(
            url,
            {
                "action": "finding",
                "indicator": indicator.pk,
                "kind": kind,
                "note": "نبود پرونده آموزشی برای دو نگهبان",
            },
        )
    assert assessment.findings.count() == 2

    refused = client.post(url, {"action": "decide", "decision": "approved"})
    assert refused.status_code == 400
    assert "نمی‌توان" in refused.content.decode()
    assessment.refresh_from_db()
    assert assessment.decision == "pending" and assessment.score is None

    client.post(url, {"action": "decide", "decision": "conditional", "note": "رفع در سه ماه"})
    assessment.refresh_from_db()
    assert assessment.decision == "conditional" and assessment.score == 81
    page = _page(client, f"/guards/institutions/{institution.pk}/")
    assert "تأیید مشروط" in page and "۸۱" in page
    assert AuditEntry.objects.filter(action="security_firms.assessment_decided").exists()
    # Decided: no more findings.
    late = client.post(
        url, {"action": "finding", "indicator": first.pk, "kind": "good_practice", "note": "بهبود"}
    )
    assert late.status_code == 400 and assessment.findings.count() == 2


def test_bad_assessment_input_is_refused_in_persian(client, registrar, institution):
    client.force_login(registrar)
    future = client.post(
        f"/guards/institutions/{institution.pk}/assess/",
        {"year": assessments.current_year() + 1},
    )
    assert future.status_code == 400 and "سال" in future.content.decode()
    assessments.open_assessment(by=None, institution=institution, year=assessments.current_year())
    again = client.post(
        f"/guards/institutions/{institution.pk}/assess/", {"year": assessments.current_year()}
    )
    assert again.status_code == 400 and "ارزیابی شده" in again.content.decode()
    assessment = Assessment.objects.get()
    empty = client.post(
        f"/guards/assessments/{assessment.pk}/",
        {"action": "finding", "indicator": Indicator.objects.first().pk, "kind": "must_fix"},
    )
    assert empty.status_code == 400 and not Finding.objects.exists()


def test_a_suspension_takes_the_guards_off_rosters_and_is_lifted(
    client, registrar, institution, guard, shift_now
):
    services.assign(by=None, shift=shift_now, guard=guard)
    client.force_login(registrar)
    client.post(
        f"/guards/institutions/{institution.pk}/sanction/",
        {"kind": "suspension", "reason": "نگهبان بدون پروانه در پست"},
    )
    institution.refresh_from_db()
    assert institution.status == "suspended"
    assert not shift_now.assignments.on_roster().exists()
    sanction = Sanction.objects.get()
    page = _page(client, f"/guards/institutions/{institution.pk}/")
    assert "نگهبان بدون پروانه در پست" in page and "تعلیق پروانه" in page

    again = client.post(
        f"/guards/institutions/{institution.pk}/sanction/",
        {"kind": "suspension", "reason": "دوباره"},
    )
    assert again.status_code == 400 and Sanction.objects.count() == 1

    client.post(f"/guards/sanctions/{sanction.pk}/lift/", {"reason": "رفع ایراد"})
    institution.refresh_from_db()
    sanction.refresh_from_db()
    assert institution.status == "active" and sanction.lifted_at is not None


def test_each_province_sees_and_sanctions_only_its_own(
    client, registrar, institution, other_institution
):
    theirs = assessments.open_assessment(
        by=None, institution=other_institution, year=assessments.current_year()
    )
    client.force_login(registrar)
    listed = _page(client, "/guards/institutions/")
    assert institution.name in listed and other_institution.name not in listed
    assert client.get(f"/guards/institutions/{other_institution.pk}/").status_code == 404
    assert client.get(f"/guards/assessments/{theirs.pk}/").status_code == 404
    refused = client.post(
        f"/guards/institutions/{other_institution.pk}/sanction/",
        {"kind": "warning", "reason": "x"},
    )
    assert refused.status_code == 404 and not Sanction.objects.exists()
    kd = people_services.add_user(
        by=None, username="reg_kd", role="security_registrar", unit_code="KD", password="x" * 16
    )
    client.force_login(kd)
    assert client.get(f"/guards/assessments/{theirs.pk}/").status_code == 200


def test_a_station_chief_cannot_assess(client, chief1, institution):
    client.force_login(chief1)
    assert client.get(f"/guards/institutions/{institution.pk}/").status_code == 403
    refused = client.post(f"/guards/institutions/{institution.pk}/assess/", {"year": 1403})
    assert refused.status_code == 403 and not Assessment.objects.exists()


def test_the_pages_in_english(client, registrar, institution):
    assessment = assessments.open_assessment(
        by=None, institution=institution, year=assessments.current_year()
    )
    client.force_login(registrar)
    client.cookies["kalantar_language"] = "en"
    assert "Annual assessments" in _page(client, f"/guards/institutions/{institution.pk}/")
    assert "Record the finding" in _page(client, f"/guards/assessments/{assessment.pk}/")
    assert "Guards selected by the selection standard" in _page(client, "/guards/indicators/")
    assert timezone.now() - assessment.opened_at < timedelta(minutes=5)
