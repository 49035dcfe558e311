"""Supervision: silent panels raise "communication lost" from one indexed sweep, and a
receiver restart gives every panel a full interval (no storm)."""

from __future__ import annotations

from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from kalantar.alarms import codes, services
from kalantar.alarms.models import Alarm, ReceiverStatus, Subscriber
from kalantar.org.provinces import fill_provinces
from tests.alarms.helpers import raise_alarm


def test_silent_panel_raises_communication_lost_once(make_subscriber):
    quiet = make_subscriber("1234", supervision_minutes=10)
    make_subscriber("5678", supervision_minutes=10)
    start = timezone.now()
    services.mark_receiver_started(name="rx", now=start)
    later = start + timedelta(minutes=11)  # the other is due at 10 min + 90 s grace
    ReceiverStatus.objects.update(alive_at=later)
    Subscriber.objects.filter(pk=quiet.pk).update(next_due=int(later.timestamp()) - 1)
    assert services.supervision_sweep(now=later) == 1
    alarm = Alarm.objects.get()
    assert alarm.category == codes.COMM_LOST and alarm.subscriber == quiet
    quiet.refresh_from_db()
    assert quiet.comm_state == Subscriber.Comm.LOST
    assert services.supervision_sweep(now=later) == 0  # not raised twice


def test_no_sweep_while_the_receiver_is_down(make_subscriber):
    make_subscriber("1234", supervision_minutes=10)
    start = timezone.now()
    services.mark_receiver_started(name="rx", now=start)
    much_later = start + timedelta(hours=3)  # receiver stopped writing its heartbeat
    assert services.supervision_sweep(now=much_later) == 0
    assert not Alarm.objects.exists()


def test_restart_after_outage_gives_panels_a_full_interval(make_subscriber):
    for i in range(5):
        make_subscriber(f"10{i}0", supervision_minutes=10)
    start = timezone.now()
    Subscriber.objects.update(next_due=int(start.timestamp()) - 3600)  # all long overdue
    services.mark_receiver_started(name="rx", now=start)
    ReceiverStatus.objects.update(alive_at=start + timedelta(minutes=5))
    assert services.supervision_sweep(now=start + timedelta(minutes=5)) == 0
    ReceiverStatus.objects.update(alive_at=start + timedelta(minutes=12))
    assert services.supervision_sweep(now=start + timedelta(minutes=12)) == 5


def test_supervision_off_is_never_swept(make_subscriber):
    make_subscriber("1234", supervision_minutes=0)
    start = timezone.now()
    services.mark_receiver_started(name="rx", now=start)
    ReceiverStatus.objects.update(alive_at=start + timedelta(days=2))
    assert services.supervision_sweep(now=start + timedelta(days=2)) == 0


def test_alarms_carry_the_province_opened_from_events_or_by_supervision(org_tree, make_subscriber):
    province = org_tree["HM"].pk
    shop = make_subscriber("4321")
    opened = raise_alarm(shop)
    assert Alarm.objects.get(pk=opened.pk).province_id == province

    quiet = make_subscriber("4322", supervision_minutes=10)
    start = timezone.now()
    services.mark_receiver_started(name="rx", now=start)
    later = start + timedelta(minutes=11)
    ReceiverStatus.objects.update(alive_at=later)
    Subscriber.objects.filter(pk=quiet.pk).update(next_due=int(later.timestamp()) - 1)
    assert services.supervision_sweep(now=later) == 1
    lost = Alarm.objects.get(subscriber=quiet, category=codes.COMM_LOST)
    assert lost.province_id == province

    Alarm.objects.update(province=None)  # as stored before the column
    fill_provinces("alarms", "alarm", "station")(apps, None)
    assert set(Alarm.objects.values_list("province_id", flat=True)) == {province}
