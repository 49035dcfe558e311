"""Grouping events into alarms, the operator's state machine, dispatch and false alarms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kalantar.alarms import codes, services
from kalantar.alarms.models import Alarm, AlarmEvent, AlarmLog
from kalantar.core.models import AuditEntry
from kalantar.incidents.models import Incident, PatrolUnit
from kalantar.incidents.services import add_patrol_unit


def store_event(sub, code="BA", *, at=None, zone="001", seq=1):
    c = codes.classify("SIA-DCS", code)
    at = at or timezone.now()
    return AlarmEvent.objects.create(
        subscriber=sub,
        account=sub.accounts.first().number,
        token="SIA-DCS",
        seq=f"{seq:04d}",
        code=code,
        zone=zone,
        category=c.category,
        priority=c.priority,
        known=c.known,
        received_at=at,
        dedup_key=f"{sub.pk}|{seq}|{at.isoformat()}",
        processed=not (c.opens_alarm or c.category == codes.RESTORE or not c.known),
    )


@pytest.fixture
def shop(make_subscriber):
    return make_subscriber("1234", passcode="4321")


def test_events_within_window_group_into_one_alarm(shop):
    now = timezone.now()
    store_event(shop, "BA", at=now, seq=1)
    store_event(shop, "FA", at=now + timedelta(seconds=30), seq=2)
    services.process_pending_events()
    alarm = Alarm.objects.get()
    assert alarm.event_count == 2
    assert alarm.category == codes.FIRE and alarm.priority == 1  # escalated to the worst
    assert not AlarmEvent.objects.filter(processed=False).exists()


def test_event_after_window_opens_a_new_alarm(shop):
    now = timezone.now()
    store_event(shop, "BA", at=now - timedelta(minutes=20), seq=1)
    services.process_pending_events()
    store_event(shop, "BA", at=now, seq=2)
    services.process_pending_events()
    assert Alarm.objects.count() == 2


def test_opening_and_test_events_open_no_alarm(shop):
    store_event(shop, "OP", seq=1)
    store_event(shop, "RP", seq=2)
    services.process_pending_events()
    assert not Alarm.objects.exists()


def test_state_machine_is_audited_and_timed(shop, make_user):
    operator = make_user("op", "alarm_operator", "HM")
    store_event(shop, "BA")
    services.process_pending_events()
    alarm = Alarm.objects.get()
    services.acknowledge_alarm(by=operator, alarm=alarm)
    alarm.refresh_from_db()
    assert alarm.state == Alarm.State.ACKNOWLEDGED and alarm.acknowledged_by == operator
    assert alarm.acknowledged_at >= alarm.opened_at
    with pytest.raises(ValidationError):
        services.acknowledge_alarm(by=operator, alarm=alarm)
    services.resolve_alarm(
        by=operator, alarm=alarm, outcome=Alarm.Outcome.REAL, note="سارق فرار کرد"
    )
    alarm.refresh_from_db()
    assert alarm.state == Alarm.State.RESOLVED and alarm.resolved_at is not None
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"alarms.alarm_opened", "alarms.alarm_acknowledged", "alarms.alarm_resolved"} <= actions
    assert list(AlarmLog.objects.filter(alarm=alarm).values_list("action", flat=True)) == [
        "opened",
        "acknowledged",
        "resolved",
    ]
    with pytest.raises(ValidationError):
        services.resolve_alarm(by=operator, alarm=alarm, outcome=Alarm.Outcome.REAL)


def test_cancel_needs_the_keyholders_passcode(shop, make_user):
    operator = make_user("op", "alarm_operator", "HM")
    store_event(shop, "BA")
    services.process_pending_events()
    alarm = Alarm.objects.get()
    with pytest.raises(ValidationError) as exc:
        services.resolve_alarm(
            by=operator, alarm=alarm, outcome=Alarm.Outcome.CANCELLED, passcode="0000"
        )
    assert "رمز" in " ".join(exc.value.messages)
    alarm.refresh_from_db()
    assert alarm.state == Alarm.State.NEW
    services.resolve_alarm(
        by=operator, alarm=alarm, outcome=Alarm.Outcome.CANCELLED, passcode="۴۳۲۱"
    )  # Persian digits are accepted
    alarm.refresh_from_db()
    assert alarm.outcome == Alarm.Outcome.CANCELLED


def test_dispatch_creates_the_stations_incident_linked_to_the_alarm(shop, make_user, org_tree):
    operator = make_user("op", "alarm_operator", "HM")
    unit = add_patrol_unit(by=None, station=org_tree["HM01K01"], call_sign="۱۱-الف")
    store_event(shop, "BA")
    services.process_pending_events()
    alarm = Alarm.objects.get()
    services.dispatch_alarm(by=operator, alarm=alarm, unit=unit)
    alarm.refresh_from_db()
    incident = Incident.objects.get()
    assert alarm.state == Alarm.State.DISPATCHED and alarm.incident == incident
    assert incident.station.code == "HM01K01" and incident.source == "alarm"
    assert incident.alarm_ref == str(alarm.pk) and incident.dispatched_at is not None
    assert PatrolUnit.objects.get(pk=unit.pk).status == PatrolUnit.Status.DISPATCHED
    services.resolve_alarm(by=operator, alarm=alarm, outcome=Alarm.Outcome.REAL)
    incident.refresh_from_db()
    assert incident.status == "closed"


def test_dispatch_refuses_a_unit_of_another_station(shop, make_user, org_tree):
    operator = make_user("op", "alarm_operator", "HM")
    other = add_patrol_unit(by=None, station=org_tree["HM02K01"], call_sign="۲۱")
    store_event(shop, "BA")
    services.process_pending_events()
    alarm = Alarm.objects.get()
    with pytest.raises(ValidationError):
        services.dispatch_alarm(by=operator, alarm=alarm, unit=other)
    assert not Incident.objects.exists()
    alarm.refresh_from_db()
    assert alarm.state == Alarm.State.NEW


def test_false_alarms_mark_verification_required(shop, make_user, settings):
    settings.ALARMS_FALSE_ALARM_LIMIT = 2
    operator = make_user("op", "alarm_operator", "HM")
    for i in range(2):
        store_event(shop, "BA", at=timezone.now() - timedelta(hours=2 - i), seq=i + 1)
        services.process_pending_events()
        alarm = Alarm.objects.filter(state=Alarm.State.NEW).get()
        shop.refresh_from_db()
        assert not shop.verification_required
        services.resolve_alarm(by=operator, alarm=alarm, outcome=Alarm.Outcome.FALSE_USER)
    shop.refresh_from_db()
    assert shop.verification_required
