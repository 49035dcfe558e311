"""Officers' records (scoped, with overdue training on the chief's home page) and the
early-intervention reviews on the platform's own counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kalantar.inspection import indicators, services
from kalantar.inspection.drafts import CaseReport
from kalantar.inspection.models import Review
from kalantar.people import services as people_services
from kalantar.people.models import Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(accused, chief1):
    today = timezone.localdate()
    course = Course.objects.create(code="conduct", name="رفتار حرفه‌ای", valid_months=12)
    people_services.plan_training(
        by=chief1,
        unit=accused.unit,
        role="desk_officer",
        course=course,
        due_on=today - timedelta(days=5),
    )
    people_services.record_commendation(
        by=None, officer=accused, source="197", note="قدردانی شهروند از رفتار محترمانه"
    )
    return course


def test_the_chief_sees_the_overdue_training_on_the_home_page(records, chief1, chief2, client):
    client.force_login(chief1)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert 'id="overdue-training-card"' in page and "کامران" in page
    client.force_login(chief2)
    assert 'id="overdue-training-card"' not in client.get(reverse("home")).content.decode()


def test_a_valid_certificate_clears_the_overdue_line(records, accused, chief1, client):
    people_services.record_certificate(
        by=chief1, officer=accused, course=records, completed_on=timezone.localdate()
    )
    client.force_login(chief1)
    assert 'id="overdue-training-card"' not in client.get(reverse("home")).content.decode()


def test_the_record_shows_to_the_chief_and_the_officer_only(
    records, accused, chief1, chief2, make_user, client
):
    url = reverse("people:officer", args=[accused.pk])
    client.force_login(chief1)
    page = client.get(url).content.decode()
    assert "۷۰۰۱" in page and "قدردانی شهروند" in page and 'id="overdue-training"' in page
    client.force_login(accused)
    assert client.get(url).status_code == 200
    colleague = make_user("colleague", "desk_officer", "HM01K01")
    for user in (chief2, colleague):
        client.force_login(user)
        assert client.get(url).status_code == 404


def _cases_against(inspector, officer, n):
    for _ in range(n):
        services.open_case(
            by=inspector,
            report=CaseReport(
                source_kind="inspector",
                station=officer.unit,
                summary="رفتار تند",
                accused_officer=officer,
            ),
        )


def test_an_officer_far_above_peers_gets_a_review_the_colleagues_never_see(
    accused, inspector, chief1, make_user, client
):
    peers = [make_user(f"peer{n}", "desk_officer", "HM01K02") for n in range(5)]
    for n, peer in enumerate(peers):
        people_services.set_officer_profile(
            by=None, officer=peer, personnel_number=f"80{n}", rank="sergeant"
        )
    _cases_against(inspector, accused, 4)
    _cases_against(inspector, peers[0], 1)
    assert indicators.open_reviews() == (1, 1)
    review = Review.objects.get()
    assert review.officer == accused
    conduct = next(f for f in review.figures if f["code"] == "conduct_cases")
    assert conduct["count"] == 4 and conduct["peers"] == 5 and conduct["flagged"]
    assert indicators.open_reviews() == (1, 0)  # one open review at a time
    assert Review.objects.visible_to(chief1).count() == 1
    assert Review.objects.visible_to(inspector).count() == 1
    for user in (accused, peers[1]):
        client.force_login(user)
        assert client.get(reverse("inspection:review", args=[review.pk])).status_code in (403, 404)
    services.record_review_outcome(by=chief1, review=review, outcome="mentoring", note="همراهی")
    review.refresh_from_db()
    assert review.outcome == "mentoring" and review.closed_at
    flagged, false_flags, rate = indicators.false_flag_rate()
    assert (flagged, false_flags, rate) == (1, 1, 1.0)  # no substantiated finding yet
