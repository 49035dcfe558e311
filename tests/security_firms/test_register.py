"""Applications, vetting, training and licences: the bad input the register refuses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from kalantar.core.jalali import tehran_today
from kalantar.core.models import AuditEntry
from kalantar.security_firms import services
from kalantar.security_firms.models import Guard, TrainingRecord, VettingCheck

from .conftest import CODES, make_applicant, make_licensed, refused

pytestmark = pytest.mark.django_db


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_an_application_waits_with_the_whole_checklist(institution, registrar):
    guard = make_applicant(institution, "۰۰۸۴۵۷۵۹۴۸")  # typed in Persian digits
    assert guard.national_code == "0084575948"
    assert guard.status == Guard.Status.APPLICANT
    assert set(guard.checks.values_list("item", flat=True)) == set(VettingCheck.Item.values)
    assert AuditEntry.objects.filter(action="security_firms.applied").count() == 1


@pytest.mark.parametrize("code", ["0084575949", "12345", "abcdefghij", ""])
def test_an_invalid_national_code_is_refused_and_nothing_stored(institution, code):
    with pytest.raises(ValidationError) as error:
        make_applicant(institution, code)
    assert "کد ملی" in _message(error.value) or "national code" in _message(error.value)
    assert not Guard.objects.exists()


def test_a_duplicate_national_code_is_refused(institution):
    make_applicant(institution, CODES[1])
    with refused("پیش‌تر ثبت شده"):
        make_applicant(institution, CODES[1], first_name="حسن")
    assert Guard.objects.count() == 1


def test_a_guard_under_18_is_refused(institution):
    today = tehran_today()
    seventeen = date(today.year - 17, today.month, 1)
    with refused("دست‌کم ۱۸ سال"):
        make_applicant(institution, CODES[1], birth_date=seventeen)
    assert not Guard.objects.exists()


def test_an_activity_the_institution_may_not_offer_is_refused(institution):
    with refused("پروانه ندارد"):
        make_applicant(institution, CODES[1], activities=["cash_transit"])


def test_a_training_date_in_the_future_is_refused(institution):
    guard = make_applicant(institution, CODES[1])
    with refused("در آینده است"):
        services.record_training(
            by=None,
            guard=guard,
            course="آموزش پایه",
            hours=8,
            provider="مرکز",
            completed_on=tehran_today() + timedelta(days=1),
        )
    assert not TrainingRecord.objects.exists()


def test_the_licence_waits_for_the_whole_checklist(institution, registrar):
    guard = make_applicant(institution, CODES[1])
    services.record_check(by=registrar, guard=guard, item="identity", result="passed")
    with refused("کامل نیست"):
        services.issue_licence(by=registrar, guard=guard)
    check = guard.checks.get(item="identity")
    assert check.checked_by == registrar and check.checked_at is not None
    guard.refresh_from_db()
    assert guard.licence_number is None


def test_the_licence_waits_for_the_first_training_hours(institution):
    guard = make_applicant(institution, CODES[1])
    for item in VettingCheck.Item.values:
        services.record_check(by=None, guard=guard, item=item, result="passed")
    with refused("آموزش پیش از نخستین"):
        services.issue_licence(by=None, guard=guard)


def test_a_licensed_guard_has_a_number_and_an_expiry(institution):
    guard = make_licensed(institution, CODES[1])
    assert guard.status == Guard.Status.ACTIVE
    assert guard.licence_number.startswith("G") and len(guard.licence_number) == 10
    assert guard.licence_expires > tehran_today() + timedelta(days=700)


def test_a_revoked_licence_cannot_be_reinstated(guard):
    services.change_status(by=None, guard=guard, status="revoked", reason="حکم دادگاه")
    guard.refresh_from_db()
    with refused("بازنمی‌گردد"):
        services.change_status(by=None, guard=guard, status="active", reason="اشتباه")
