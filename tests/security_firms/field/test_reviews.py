"""Re-vetting on events: a new incident or complaint naming a guard raises a review for the
registrar of the guard's province, who decides with a reason; nothing is decided alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kalantar.core.models import AuditEntry
from kalantar.org import services as org_services
from kalantar.org.models import Unit
from kalantar.security_firms import reviews
from kalantar.security_firms.models import Guard, GuardReview, Post, RosterAssignment, Shift
from tests import factories
from tests.security_firms.field.conftest import COMPLAINANT_CODE, GUARD_CODE, make_guard

pytestmark = pytest.mark.django_db

PERSIAN_GUARD_CODE = GUARD_CODE.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


@pytest.fixture
def registrar(make_user):
    return make_user("registrar1", "security_registrar", "HM")


def _incident_naming(code: str, **fields):
    return factories.IncidentFactory(
        narrative=f"درگیری جلوی فروشگاه؛ نگهبان با کد ملی {code}", **fields
    )


def test_an_incident_naming_a_guard_raises_a_review_and_changes_nothing_else(guard, org_tree):
    incident = _incident_naming(PERSIAN_GUARD_CODE)
    review = GuardReview.objects.get()
    assert review.guard == guard and review.incident == incident
    assert review.province == org_tree["HM"] and review.decided_at is None
    guard.refresh_from_db()
    assert guard.status == Guard.Status.ACTIVE
    assert AuditEntry.objects.filter(action="security_firms.review_raised").count() == 1


def test_an_incident_that_names_a_guard_by_its_report_raises_a_review(guard):
    factories.IncidentFactory(named=(GUARD_CODE,))
    assert GuardReview.objects.filter(guard=guard).count() == 1


def test_an_incident_naming_nobody_on_the_register_raises_nothing(guard):
    _incident_naming("0013542419")
    factories.IncidentFactory()
    assert not GuardReview.objects.exists()


def test_an_applicant_is_not_reviewed(institution):
    make_guard(institution, GUARD_CODE, status=Guard.Status.APPLICANT, licence_number=None)
    _incident_naming(GUARD_CODE)
    assert not GuardReview.objects.exists()


def test_a_complaint_about_a_guard_raises_a_review(guard, category):
    complaint = factories.file_complaint(
        narrative=f"نگهبان فروشگاه (کد ملی {GUARD_CODE}) به من توهین کرد و هلم داد."
    )
    review = GuardReview.objects.get()
    assert review.complaint == complaint and review.guard == guard


def test_a_guard_who_complains_is_not_put_under_review(institution, category):
    make_guard(institution, COMPLAINANT_CODE)
    factories.file_complaint(national_code=COMPLAINANT_CODE)
    assert not GuardReview.objects.exists()


def test_a_failed_incident_raises_no_review(guard):
    with pytest.raises(ValidationError):
        _incident_naming(GUARD_CODE, lon=10.0, lat=10.0)
    assert not GuardReview.objects.exists()


def _on_roster(guard, site):
    post = Post.objects.create(site=site, name="درِ ورودی")
    now = timezone.now()
    shift = Shift.objects.create(post=post, starts_at=now, ends_at=now + timedelta(hours=8))
    return RosterAssignment.objects.create(shift=shift, guard=guard)


def test_the_registrar_revokes_and_the_guard_leaves_every_roster_at_once(
    client, guard, site, registrar
):
    assignment = _on_roster(guard, site)
    _incident_naming(GUARD_CODE)
    review = GuardReview.objects.get()
    client.force_login(registrar)
    assert guard.full_name in client.get("/guards/reviews/").content.decode()
    response = client.post(
        f"/guards/reviews/{review.pk}/",
        {"decision": "revocation", "reason": "ضرب و جرح مشتری؛ گزارش کلانتری ۱۱"},
    )
    assert response.status_code == 302
    guard.refresh_from_db()
    assignment.refresh_from_db()
    assert guard.status == Guard.Status.REVOKED and "ضرب و جرح" in guard.status_reason
    assert assignment.removed_at is not None
    assert AuditEntry.objects.filter(action="security_firms.review_decided").exists()
    history = client.get(f"/guards/guards/{guard.pk}/history/").content.decode()
    assert "لغو پروانه" in history and "ضرب و جرح مشتری" in history


def test_a_warning_leaves_the_licence_and_roster_as_they_are(guard, site, registrar):
    assignment = _on_roster(guard, site)
    _incident_naming(GUARD_CODE)
    reviews.decide(
        by=registrar, review=GuardReview.objects.get(), decision="warning", reason="تذکر کتبی"
    )
    guard.refresh_from_db()
    assignment.refresh_from_db()
    assert guard.status == Guard.Status.ACTIVE and assignment.removed_at is None


@pytest.mark.parametrize(
    ("decision", "reason", "field"),
    [("revocation", "  ", "reason"), ("banishment", "دلیل", "decision")],
)
def test_a_decision_without_a_reason_or_known_kind_changes_nothing(
    guard, registrar, decision, reason, field
):
    _incident_naming(GUARD_CODE)
    review = GuardReview.objects.get()
    with pytest.raises(ValidationError) as error:
        reviews.decide(by=registrar, review=review, decision=decision, reason=reason)
    assert field in error.value.message_dict
    review.refresh_from_db()
    guard.refresh_from_db()
    assert review.decided_at is None and guard.status == Guard.Status.ACTIVE


def test_a_review_is_decided_once(guard, registrar):
    _incident_naming(GUARD_CODE)
    review = GuardReview.objects.get()
    reviews.decide(by=registrar, review=review, decision="no_change", reason="شاهد بود، نه طرف")
    with pytest.raises(ValidationError):
        reviews.decide(by=registrar, review=review, decision="revocation", reason="دوباره")


def test_another_provinces_registrar_and_station_staff_cannot_decide(
    client, guard, make_user, chief1, org_tree
):
    org_services.create_unit(
        by=None, code="KD", name="استان کردستان", kind=Unit.Kind.PROVINCE, parent=org_tree["IR"]
    )
    _incident_naming(GUARD_CODE)
    review = GuardReview.objects.get()
    client.force_login(make_user("registrar-kd", "security_registrar", "KD"))
    assert client.get(f"/guards/reviews/{review.pk}/").status_code == 404
    assert "مجید" not in client.get("/guards/reviews/").content.decode()
    client.force_login(chief1)
    assert client.get("/guards/reviews/").status_code == 403
    response = client.post(
        f"/guards/reviews/{review.pk}/", {"decision": "revocation", "reason": "x"}
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.decided_at is None
