"""Scoped reads for the console and the API: every one starts from `visible_to(user)`."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from kalantar.alarms.models import (
    Account,
    Alarm,
    AlarmEvent,
    AlarmLog,
    ReceiverStatus,
    Subscriber,
)
from kalantar.alarms.services import RECEIVER_ALIVE_SECONDS, false_alarms_since

# The console warns about the receivers' limits while one bit within this many minutes.
LIMITS_RECENT_MINUTES = 15


def queue(user) -> QuerySet[Alarm]:
    """Open alarms the user may see: most urgent first, then oldest first."""
    return (
        Alarm.objects.visible_to(user)
        .open()
        .select_related("subscriber", "station")
        .order_by("priority", "opened_at")
    )


def alarms(user, *, state: str = "", station: str = "") -> QuerySet[Alarm]:
    qs = Alarm.objects.visible_to(user).select_related("subscriber", "station")
    if state:
        qs = qs.filter(state=state)
    if station:
        qs = qs.filter(station__code=station)
    return qs.order_by("-opened_at")


def alarm(user, pk: int) -> Alarm | None:
    return (
        Alarm.objects.visible_to(user)
        .select_related("subscriber", "station", "incident", "acknowledged_by")
        .filter(pk=pk)
        .first()
    )


def events(user, *, account: str = "", subscriber: Subscriber | None = None) -> QuerySet:
    qs = AlarmEvent.objects.visible_to(user)
    if account:
        # Through the subscriber: events are indexed by subscriber and time only.
        owner = Account.objects.filter(number=account.upper()).values("subscriber_id")
        qs = qs.filter(subscriber_id__in=owner, account=account.upper())
    if subscriber is not None:
        qs = qs.filter(subscriber=subscriber)
    return qs.order_by("-received_at", "-id")


def subscribers(user) -> QuerySet[Subscriber]:
    return Subscriber.objects.visible_to(user).select_related("station").order_by("name")


def queue_version() -> int:
    """Changes whenever any alarm opens or moves (every change writes a log line)."""
    return AlarmLog.objects.aggregate(v=Max("id"))["v"] or 0


def false_alarm_counts(user) -> dict:
    """False alarms in the last 12 months by subscriber and by station (scoped)."""
    visible = Alarm.objects.visible_to(user).values_list("id", flat=True)
    qs = false_alarms_since().filter(id__in=visible)
    by_station = list(
        qs.values("station__code", "station__name").annotate(n=Count("id")).order_by("-n")
    )
    by_subscriber = list(
        qs.values("subscriber_id", "subscriber__name", "subscriber__verification_required")
        .annotate(n=Count("id"))
        .order_by("-n")[:50]
    )
    return {"by_station": by_station, "by_subscriber": by_subscriber}


def subscriber_false_count(subscriber: Subscriber) -> int:
    return false_alarms_since([subscriber.pk]).count()


def silent_panels(user) -> QuerySet[Subscriber]:
    return subscribers(user).filter(comm_state=Subscriber.Comm.LOST)


def recent_counts(user, hours: int = 24) -> dict:
    since = timezone.now() - timedelta(hours=hours)
    qs = Alarm.objects.visible_to(user).filter(opened_at__gte=since)
    return qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=~Q(state=Alarm.State.RESOLVED)),
    )


def receiver_limits(now=None) -> dict | None:
    """What the running receivers' connection limits did since they started, if any limit
    bit recently (a flood of slow or idle clients, or a fleet outgrowing the caps)."""
    now = now or timezone.now()
    running = ReceiverStatus.objects.filter(
        alive_at__gte=now - timedelta(seconds=RECEIVER_ALIVE_SECONDS)
    )
    recent = now - timedelta(minutes=LIMITS_RECENT_MINUTES)
    if not running.filter(limited_at__gte=recent).exists():
        return None
    return running.aggregate(
        connections=Sum("connections"),
        refused=Sum("refused"),
        timed_out=Sum("timed_out"),
        replies_dropped=Sum("replies_dropped"),
        limited_at=Max("limited_at"),
    )
