"""The alert queue: a queued alert is fanned out into one delivery per consenting subscriber,
then drained in batches by a periodic job, so the composer's page never waits for it.

The deliveries table is the queue of messages (durable, restartable, counted per state),
drained by a periodic job of the background queue. Each drain claims its batch before
sending it (see `_claim`), so two drains never send the same message twice; a crash
between sending a batch and marking it sent sends that batch again once its claim expires
(at least once, never lost).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from kalantar.community import rules, services
from kalantar.community.models import Alert, Delivery, Volunteer
from kalantar.core import audit
from kalantar.core.jalali import TEHRAN
from kalantar.core.persian import to_persian_digits
from kalantar.core.site import site_url
from kalantar.core.sms import send_sms

BATCH = 2000
CLAIM_EXPIRES = timedelta(minutes=10)
FAN_OUT_CHUNK = 5000


def _not_before(now: datetime, quiet_from, quiet_to) -> datetime:
    local = now.astimezone(TEHRAN)
    return rules.after_quiet_hours(local, quiet_from, quiet_to)


def fan_out(alert: Alert) -> int:
    """One delivery per subscriber who consents now, each held until their quiet hours end.

    In chunks, each its own transaction, so the web's writes are never held up behind one
    long insert; the alert's cursor makes a fan-out interrupted by a restart resume where
    it stopped instead of queuing anyone twice."""
    made = 0
    while chunk := _fan_out_chunk(alert):
        made += chunk
    with transaction.atomic():
        alert.recipients = Delivery.objects.filter(alert=alert).count()
        alert.volunteer_page = Volunteer.objects.filter(
            group__neighbourhood=alert.neighbourhood, user__isnull=False
        ).count()
        alert.status = Alert.Status.SENDING
        alert.save(update_fields=["recipients", "volunteer_page", "status"])
        audit.record(
            "community.alert_fanned_out", obj=alert, detail={"recipients": alert.recipients}
        )
    return made


@transaction.atomic
def _fan_out_chunk(alert: Alert) -> int:
    now = timezone.now()
    rows = list(
        services.recipients(
            neighbourhood=alert.neighbourhood, topic=alert.topic, priority=alert.priority
        )
        .filter(pk__gt=alert.fanned_to)
        .order_by("pk")
        .values_list("pk", "quiet_from", "quiet_to")[:FAN_OUT_CHUNK]
    )
    if not rows:
        return 0
    Delivery.objects.bulk_create(
        Delivery(alert=alert, subscriber_id=pk, not_before=_not_before(now, start, end))
        for pk, start, end in rows
    )
    alert.fanned_to = rows[-1][0]
    alert.save(update_fields=["fanned_to"])
    return len(rows)


def _message(alert: Alert, token: str, stop_url: str) -> str:
    # Residents read Persian digits, whatever digits the station's name was typed with.
    station = to_persian_digits(alert.station.name)
    return f"{station}: {alert.text}\nلغو: {stop_url.replace('TOKEN', token)}"


def drain(*, limit: int = BATCH) -> int:
    """Send up to `limit` due messages; consent is read again at the moment of sending.

    The batch is claimed first, in a short transaction of its own, and sent after it: the
    database is never held while messages go out (on SQLite that would keep the web's
    writes waiting), and a second drain takes the next rows."""
    due = _claim(limit)
    if not due:
        return 0
    stop_url = site_url() + reverse("community:unsubscribe", args=["TOKEN"])
    sent, withdrawn = [], []
    for delivery in due:
        subscriber = delivery.subscriber
        if subscriber.withdrawn_at is not None:
            withdrawn.append(delivery.pk)
            continue
        send_sms(
            subscriber.mobile,
            _message(delivery.alert, services.unsubscribe_token(subscriber), stop_url),
        )
        sent.append(delivery.pk)
    with transaction.atomic():
        Delivery.objects.filter(pk__in=sent).update(
            status=Delivery.Status.SENT, sent_at=timezone.now()
        )
        Delivery.objects.filter(pk__in=withdrawn).update(status=Delivery.Status.WITHDRAWN)
        _update_counts(due, sent, withdrawn)
    return len(due)


@transaction.atomic
def _claim(limit: int) -> list[Delivery]:
    """Mark up to `limit` due messages as being sent by this drain. The rows are locked
    while they are claimed (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's write lock,
    taken at BEGIN, lets one claim at a time), so no two drains claim the same message. A
    claim older than CLAIM_EXPIRES (its drain stopped before marking the batch) is taken
    again: a message is sent at least once, never lost."""
    now = timezone.now()
    due = Q(status=Delivery.Status.QUEUED, not_before__lte=now) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=now - CLAIM_EXPIRES
    )
    rows = list(
        Delivery.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(due)
        .select_related("subscriber", "alert__station")
        .order_by("pk")[:limit]
    )
    Delivery.objects.filter(pk__in=[d.pk for d in rows]).update(
        status=Delivery.Status.SENDING, claimed_at=now
    )
    return rows


def _update_counts(due: list[Delivery], sent: list[int], withdrawn: list[int]) -> None:
    """Add this batch to each alert's counts; an alert with nothing left waiting is sent."""
    sent_ids, withdrawn_ids = set(sent), set(withdrawn)
    # In the same order in every drain, so two drains never wait on each other's alerts.
    for alert_id in sorted({d.alert_id for d in due}):
        mine = [d.pk for d in due if d.alert_id == alert_id]
        Alert.objects.filter(pk=alert_id).update(
            sms_sent=F("sms_sent") + sum(pk in sent_ids for pk in mine),
            skipped_withdrawn=F("skipped_withdrawn") + sum(pk in withdrawn_ids for pk in mine),
        )
        waiting = Delivery.objects.filter(
            alert_id=alert_id, status__in=(Delivery.Status.QUEUED, Delivery.Status.SENDING)
        )
        if not waiting.exists():
            Alert.objects.filter(pk=alert_id, status=Alert.Status.SENDING).update(
                status=Alert.Status.SENT, finished_at=timezone.now()
            )


def run(budget_seconds: float = 4.0) -> str | None:
    """The periodic job: fan out new alerts, then send for at most `budget_seconds`."""
    fanned = sum(fan_out(alert) for alert in Alert.objects.filter(status=Alert.Status.QUEUED))
    started, sent = time.monotonic(), 0
    while time.monotonic() - started < budget_seconds:
        done = drain()
        if not done:
            break
        sent += done
    if fanned or sent:
        return f"alerts: {fanned} messages queued, {sent} handled"
    return None
