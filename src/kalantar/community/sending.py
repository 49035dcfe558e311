"""The alert queue: a queued alert is fanned out into one delivery per consenting subscriber,
then drained in batches by a periodic job, so the composer's page never waits for it.

The product has no task broker; the deliveries table is the queue (durable, restartable,
counted per state), drained by `run_scheduler`'s job.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from kalantar.community import rules, services
from kalantar.community.models import Alert, Delivery, Volunteer
from kalantar.core import audit
from kalantar.core.jalali import TEHRAN
from kalantar.core.site import site_url
from kalantar.core.sms import send_sms

BATCH = 2000
FAN_OUT_CHUNK = 5000


def _not_before(now: datetime, quiet_from, quiet_to) -> datetime:
    local = now.astimezone(TEHRAN)
    return rules.after_quiet_hours(local, quiet_from, quiet_to)


@transaction.atomic
def fan_out(alert: Alert) -> int:
    """One delivery per subscriber who consents now, each held until their quiet hours end."""
    now = timezone.now()
    subscribers = services.recipients(
        neighbourhood=alert.neighbourhood, topic=alert.topic, priority=alert.priority
    ).values_list("pk", "quiet_from", "quiet_to")
    made, chunk = 0, []
    for pk, quiet_from, quiet_to in subscribers.iterator(chunk_size=FAN_OUT_CHUNK):
        chunk.append(
            Delivery(
                alert=alert, subscriber_id=pk, not_before=_not_before(now, quiet_from, quiet_to)
            )
        )
        if len(chunk) == FAN_OUT_CHUNK:
            made += len(Delivery.objects.bulk_create(chunk))
            chunk = []
    made += len(Delivery.objects.bulk_create(chunk))
    alert.recipients = made
    alert.volunteer_page = Volunteer.objects.filter(
        group__neighbourhood=alert.neighbourhood, user__isnull=False
    ).count()
    alert.status = Alert.Status.SENDING
    alert.save(update_fields=["recipients", "volunteer_page", "status"])
    audit.record("community.alert_fanned_out", obj=alert, detail={"recipients": made})
    return made


def _message(alert: Alert, token: str, base: str) -> str:
    link = base + reverse("community:unsubscribe", args=[token])
    return f"{alert.station.name}: {alert.text}\nلغو: {link}"


def drain(*, limit: int = BATCH) -> int:
    """Send up to `limit` due messages; consent is read again at the moment of sending."""
    now = timezone.now()
    due = list(
        Delivery.objects.filter(status=Delivery.Status.QUEUED, not_before__lte=now)
        .select_related("subscriber", "alert__station")
        .order_by("pk")[:limit]
    )
    if not due:
        return 0
    base = site_url()
    sent, withdrawn = [], []
    for delivery in due:
        subscriber = delivery.subscriber
        if subscriber.withdrawn_at is not None:
            withdrawn.append(delivery.pk)
            continue
        send_sms(
            subscriber.mobile,
            _message(delivery.alert, services.unsubscribe_token(subscriber), base),
        )
        sent.append(delivery.pk)
    Delivery.objects.filter(pk__in=sent).update(status=Delivery.Status.SENT, sent_at=timezone.now())
    Delivery.objects.filter(pk__in=withdrawn).update(status=Delivery.Status.WITHDRAWN)
    _update_counts({d.alert_id for d in due})
    return len(due)


def _update_counts(alert_ids: set[int]) -> None:
    rows = (
        Delivery.objects.filter(alert_id__in=alert_ids)
        .values("alert_id")
        .annotate(
            sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
            withdrawn=Count("pk", filter=Q(status=Delivery.Status.WITHDRAWN)),
            waiting=Count("pk", filter=Q(status=Delivery.Status.QUEUED)),
        )
    )
    for row in rows:
        changes = {"sms_sent": row["sent"], "skipped_withdrawn": row["withdrawn"]}
        if row["waiting"] == 0:
            changes.update(status=Alert.Status.SENT, finished_at=timezone.now())
        Alert.objects.filter(pk=row["alert_id"]).update(**changes)


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
