"""Sites, rosters, and the guard who may no longer stand taken off at once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kalantar.core.models import AuditEntry
from kalantar.core.sms import LocmemSmsBackend
from kalantar.security_firms import services, training
from kalantar.security_firms.models import RosterAssignment, RosterNotice

from .conftest import CODES, make_licensed, refused

pytestmark = pytest.mark.django_db


def test_a_site_belongs_to_the_station_whose_jurisdiction_holds_it(site, site2, org_tree):
    assert site.station == org_tree["HM01K01"]
    assert site2.station == org_tree["HM01K02"]


def test_a_site_outside_every_jurisdiction_is_refused(institution):
    with refused("بیرون از حوزه"):
        services.create_site(by=None, institution=institution, name="x", lon=10.0, lat=10.0)


def test_a_suspended_guard_cannot_be_rostered(guard, shift_now):
    services.change_status(by=None, guard=guard, status="suspended", reason="بررسی شکایت")
    guard.refresh_from_db()
    with refused("معتبر نیست"):
        services.assign(by=None, shift=shift_now, guard=guard)
    assert not RosterAssignment.objects.exists()


def test_a_guard_with_overdue_training_cannot_be_rostered(institution, guard, shift_now):
    # Deployed 40 days ago with only the 8 hours before deployment: the 30-day step is late.
    guard.trainings.all().update(hours=Decimal(8))
    guard.first_deployed_on = timezone.localdate() - timedelta(days=40)
    guard.save()
    with refused("مهلت آموزش"):
        services.assign(by=None, shift=shift_now, guard=guard)


def test_revoking_takes_the_guard_off_every_roster_in_the_same_transaction(
    guard, shift_now, site2, settings
):
    settings.SMS_BACKEND = "kalantar.core.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    later_post = services.add_post(by=None, site=site2, name="پارکینگ")
    start = timezone.now() + timedelta(days=1)
    later = services.add_shift(
        by=None, post=later_post, starts_at=start, ends_at=start + timedelta(hours=8)
    )
    services.assign(by=None, shift=shift_now, guard=guard)
    services.assign(by=None, shift=later, guard=guard)

    removed = services.change_status(by=None, guard=guard, status="revoked", reason="سوء رفتار")

    assert removed == 2
    assert not RosterAssignment.objects.on_roster().exists()
    notices = RosterNotice.objects.order_by("station__code")
    assert [n.station.code for n in notices] == ["HM01K01", "HM01K02"]
    assert all(n.institution == guard.institution for n in notices)
    # The change, the removal and the audit entries share one transaction: the status
    # change's entry records how many places it emptied.
    entry = AuditEntry.objects.get(action="security_firms.status_changed")
    assert entry.detail["taken_off"] == 2


def test_a_failure_after_taking_off_undoes_the_status_change_too(guard, shift_now, monkeypatch):
    services.assign(by=None, shift=shift_now, guard=guard)

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services.audit, "record", broken)
    with pytest.raises(RuntimeError):
        services.change_status(by=None, guard=guard, status="revoked", reason="x")
    guard.refresh_from_db()
    assert guard.status == "active"
    assert RosterAssignment.objects.on_roster().count() == 1


def test_a_guard_of_another_institution_is_refused(other_institution, shift_now):
    stranger = make_licensed(other_institution, CODES[2])
    with refused("کار نمی‌کند"):
        services.assign(by=None, shift=shift_now, guard=stranger)


def test_expired_licences_lapse_and_leave_the_roster(guard, shift_now):
    services.assign(by=None, shift=shift_now, guard=guard)
    assert services.expire_licences(today=guard.licence_expires + timedelta(days=1)) == 1
    guard.refresh_from_db()
    assert guard.status == "expired"
    assert not RosterAssignment.objects.on_roster().exists()


def test_training_deadlines_follow_the_configured_pattern():
    policy = training.Policy(8, 16, 16, 8)
    deployed = date(2025, 1, 1)
    first = [(date(2024, 12, 30), Decimal(8))]
    assert training.standing(policy, first, deployed, date(2025, 1, 20)).ok
    late = training.standing(policy, first, deployed, date(2025, 2, 5))
    assert [str(s.label) for s in late.overdue] == ["تا ۳۰ روز"]
    full = [*first, (date(2025, 1, 25), Decimal(16)), (date(2025, 5, 1), Decimal(16))]
    assert training.standing(policy, full, deployed, date(2025, 12, 1)).ok
    # Two years on, without the refresher of the second year.
    assert not training.standing(policy, full, deployed, date(2027, 2, 1)).ok
    refreshed = [*full, (date(2026, 3, 1), Decimal(8))]
    assert training.standing(policy, refreshed, deployed, date(2027, 2, 1)).ok
    # Never deployed: the first hours are owed before the first shift.
    assert not training.standing(policy, [], None, date(2025, 1, 1)).ok
