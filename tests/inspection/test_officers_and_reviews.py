"""Officers' records (scoped, with overdue training on the chief's home page) and the
early-intervention reviews on the platform's own counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kalantar.feedback.models import FeedbackMessage, MessageClass
from kalantar.inspection import indicators, services
from kalantar.inspection.drafts import CaseReport
from kalantar.inspection.models import Review
from kalantar.people import services as people_services
from kalantar.people.models import Course
from kalantar.people.scoping import inspection_root
from kalantar.people.selectors import officers_for

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


def _officers(make_user, prefix: str, n: int, unit: str = "HM01K02", base: int = 9100) -> list:
    officers = [make_user(f"{prefix}{i}", "desk_officer", unit) for i in range(n)]
    for i, officer in enumerate(officers):
        people_services.set_officer_profile(
            by=None, officer=officer, personnel_number=str(base + i), rank="sergeant"
        )
    return officers


def _reads(queries) -> int:
    """SELECTs other than the audit chain's own (each opened review is audited)."""
    return sum(
        1
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and "core_auditentry" not in q["sql"]
        and "pg_advisory" not in q["sql"]
    )


def test_opening_reviews_reads_the_same_however_many_are_flagged(inspector, make_user):
    first, second, third, *_peers = _officers(make_user, "ofc", 13)
    _cases_against(inspector, first, 4)
    with CaptureQueriesContext(connection) as one:
        assert indicators.open_reviews() == (1, 1)
    _cases_against(inspector, second, 4)
    _cases_against(inspector, third, 4)
    with CaptureQueriesContext(connection) as three:
        assert indicators.open_reviews() == (3, 2)  # the first is already under review
    assert _reads(three.captured_queries) == _reads(one.captured_queries)
    assert set(Review.objects.values_list("officer", flat=True)) == {
        first.pk,
        second.pk,
        third.pk,
    }
    assert {r.office.code for r in Review.objects.select_related("office")} == {"HMINS"}


def _criticise(officer, n: int, **extra) -> None:
    for _ in range(n):
        FeedbackMessage.objects.create(
            received_at=timezone.now() - timedelta(days=3),
            channel=FeedbackMessage.Channel.PHONE,
            unit=officer.unit,
            officer=officer,
            text="برخورد نامناسب مأمور",
            msg_class=extra.get("msg_class", MessageClass.CRITICISM),
            is_conduct=extra.get("is_conduct", False),
        )


def test_criticism_on_197_naming_an_officer_flags_for_review(inspector, make_user):
    criticised, *peers = _officers(make_user, "crt", 6)
    _criticise(criticised, 4)
    _criticise(peers[0], 3, msg_class=MessageClass.APPRECIATION)
    _criticise(peers[1], 3, is_conduct=True)  # a conduct report: counted as a case instead
    assert indicators.open_reviews() == (1, 1)
    review = Review.objects.get()
    assert review.officer == criticised
    figure = next(f for f in review.figures if f["code"] == "criticism_197")
    assert figure["count"] == 4 and figure["flagged"] and figure["window_days"] == 180


def test_the_review_page_defines_the_197_indicator_in_persian(inspector, make_user, client):
    criticised, *_peers = _officers(make_user, "def", 6)
    _criticise(criticised, 4)
    indicators.open_reviews()
    client.force_login(inspector)
    url = reverse("inspection:review", args=[Review.objects.get().pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "انتقاد در سامانه ۱۹۷" in page


def test_an_inspector_reaches_the_own_province_only(inspector, other_province, chief1):
    assert inspection_root(inspector) == "/IR/HM/"
    assert inspection_root(other_province["inspector"]) == "/IR/KR/"
    assert inspection_root(chief1) == chief1.unit.path
    kr_officer = other_province["officer"]
    people_services.set_officer_profile(
        by=None, officer=kr_officer, personnel_number="9001", rank="sergeant"
    )
    assert kr_officer not in officers_for(inspector)
    assert kr_officer in officers_for(other_province["inspector"])


def test_the_open_case_form_offers_the_own_provinces_stations(
    inspector, other_province, org_tree, client
):
    hamedan, sanandaj = org_tree["HM01K01"].name, other_province["station"].name
    client.force_login(inspector)
    page = client.get(reverse("inspection:open"), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert hamedan in page and sanandaj not in page
    client.force_login(other_province["inspector"])
    page = client.get(reverse("inspection:open"), HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert sanandaj in page and hamedan not in page


def test_the_officers_list_finds_a_personnel_number_typed_in_persian(records, chief1, client):
    """The number is found whichever digits are typed, and the box shows it as typed."""
    client.force_login(chief1)
    page = client.get("/people/officers/", {"q": "۷۰۰۱"}).content.decode()
    assert 'value="۷۰۰۱"' in page
    assert "کامران" in page
    assert "کامران" not in client.get("/people/officers/", {"q": "۷۰۰۲"}).content.decode()
