"""Scoped reads for the console and the API: every one starts from `visible_to(user)`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils import timezone

from kalantar.alarms import codes
from kalantar.alarms.models import (
    Account,
    Alarm,
    AlarmEvent,
    AlarmLog,
    ReceiverStatus,
    Subscriber,
)
from kalantar.core.scoping import scope_root
from kalantar.incidents.models import PatrolUnit
from kalantar.incidents.selectors import nearest_units

# The console warns about the receivers' limits while one bit within this many minutes.
LIMITS_RECENT_MINUTES = 15
# A receiver that has not written its heartbeat for this long counts as down.
RECEIVER_ALIVE_SECONDS = 30
# Available units offered first on an alarm, nearest first.
RECOMMENDED_UNITS = 3
PARKED_PAGE_SIZE = 50


def false_alarm_limit() -> int:
    """False alarms within 12 months after which a subscriber needs verified response."""
    return settings.ALARMS_FALSE_ALARM_LIMIT


def false_alarms_since(subscriber_ids=None, *, now: datetime | None = None) -> QuerySet[Alarm]:
    """False alarms resolved in the last 12 months ("communication lost" ones do not count)."""
    now = now or timezone.now()
    qs = Alarm.objects.filter(
        outcome__in=Alarm.FALSE_OUTCOMES, resolved_at__gte=now - timedelta(days=365)
    ).exclude(category=codes.COMM_LOST)
    if subscriber_ids is not None:
        qs = qs.filter(subscriber_id__in=subscriber_ids)
    return qs


# Stream consumers (NATS_URL) write their heartbeat beside the receivers', under this prefix.
CONSUMER_PREFIX = "consumer:"


def receiver_alive(now: datetime | None = None) -> bool:
    """A receiver is listening and, with a stream, a consumer is storing what it publishes:
    while either is missing, a silent panel is our outage, not the panel's."""
    now = now or timezone.now()
    since = now - timedelta(seconds=RECEIVER_ALIVE_SECONDS)
    alive = ReceiverStatus.objects.filter(alive_at__gte=since)
    if not settings.NATS_URL:
        return alive.exists()
    consumers = Q(name__startswith=CONSUMER_PREFIX)
    return alive.filter(consumers).exists() and alive.exclude(consumers).exists()


def stream_down_since(now: datetime | None = None) -> datetime | None:
    """Since when a running receiver refuses panels because the alarm stream does not
    answer (NATS_URL), or None."""
    now = now or timezone.now()
    return ReceiverStatus.objects.filter(
        alive_at__gte=now - timedelta(seconds=RECEIVER_ALIVE_SECONDS),
        stream_down_since__isnull=False,
    ).aggregate(since=Min("stream_down_since"))["since"]


def queue(user) -> QuerySet[Alarm]:
    """Open alarms the user may see: most urgent first, then oldest first."""
    return (
        Alarm.objects.visible_to(user)
        .open()
        .select_related("subscriber", "station")
        .order_by("priority", "opened_at")
    )


def alarms(
    user, *, state: str = "", station: str = "", subscriber: Subscriber | None = None
) -> QuerySet[Alarm]:
    qs = Alarm.objects.visible_to(user).select_related("subscriber", "station")
    if state:
        qs = qs.filter(state=state)
    if station:
        qs = qs.filter(station__code=station)
    if subscriber is not None:
        qs = qs.filter(subscriber=subscriber)
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


def subscriber(user, pk: int) -> Subscriber | None:
    return subscribers(user).filter(pk=pk).first()


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


def console(user) -> dict:
    """What the alarm console shows: the queue, silent panels and the receivers' state."""
    return {
        "alarms": queue(user)[:200],
        "version": queue_version(),
        "silent": silent_panels(user).count(),
        "receiver_alive": receiver_alive(),
        "receiver_limits": receiver_limits(),
        "stream_down_since": stream_down_since(),
    }


def available_units(user, alarm: Alarm) -> list[PatrolUnit]:
    """Available patrol units of the alarm's station the user may see, by call sign."""
    return list(
        PatrolUnit.objects.visible_to(user)
        .filter(station_id=alarm.station_id, status=PatrolUnit.Status.AVAILABLE)
        .select_related("station")
        .order_by("call_sign")
    )


def units_to_offer(user, alarm: Alarm) -> list[PatrolUnit]:
    """The units an operator may send to an open alarm: while it has no incident yet, the
    nearest ones to the premises first, then the rest by call sign; none once resolved or
    dispatched."""
    if alarm.state not in (Alarm.State.NEW, Alarm.State.ACKNOWLEDGED):
        return []
    units = available_units(user, alarm)
    if alarm.incident_id is not None or not units:
        return units
    sub = alarm.subscriber
    nearest = [
        r.unit
        for r in nearest_units(units=units, lon=sub.lon, lat=sub.lat, limit=RECOMMENDED_UNITS)
    ]
    return nearest + [u for u in units if u not in nearest]


def alarm_detail(user, alarm: Alarm) -> dict:
    """An alarm with its premises, keyholders, history and the units to offer."""
    sub = alarm.subscriber
    return {
        "alarm": alarm,
        "sub": sub,
        "keyholders": list(sub.keyholders.all()),
        "log": list(alarm.log.select_related("by")),
        "events": list(alarm.events.order_by("-received_at")[:20]),
        "history": list(alarms(user, subscriber=sub).exclude(pk=alarm.pk)[:10]),
        "false_count": subscriber_false_count(sub),
        "false_limit": false_alarm_limit(),
        "units": units_to_offer(user, alarm),
    }


def subscriber_list(user) -> dict:
    return {
        "subscribers": subscribers(user)[:500],
        "false_counts": false_alarm_counts(user),
        "false_limit": false_alarm_limit(),
    }


def subscriber_detail(user, sub: Subscriber) -> dict:
    return {
        "sub": sub,
        "keyholders": list(sub.keyholders.all()),
        "accounts": list(sub.accounts.all()),
        "events": list(events(user, subscriber=sub)[:50]),
        "alarms": list(alarms(user, subscriber=sub)[:50]),
        "false_count": subscriber_false_count(sub),
        "false_limit": false_alarm_limit(),
    }


@dataclass
class ParkedPage:
    configured: bool  # the alarms go through a stream here at all
    page: Page | None
    total: int = 0
    error: str = ""  # the stream could not be read


def parked_page(user, page_number: str | int | None = None) -> ParkedPage:
    """The parked events `user` may see, oldest first, a page at a time: those of their
    units' subscribers; an event of no known subscriber (or no event at all) only to
    whoever sees the whole country."""
    # Imported here: fanin imports services, which import this module.
    from kalantar.alarms import fanin, parked  # noqa: PLC0415

    if not fanin.configured():
        return ParkedPage(configured=False, page=None)
    try:
        found = parked.list_parked()
    except Exception as exc:  # NATS down or the stream without a leader
        return ParkedPage(configured=True, page=None, error=f"{type(exc).__name__}: {exc}")
    ids = {p.subscriber_id for p in found if p.subscriber_id is not None}
    subs = {s.pk: s for s in subscribers(user).filter(pk__in=ids)}
    national = scope_root(user) == ""
    shown = []
    for event in found:
        event.subscriber = subs.get(event.subscriber_id)
        if event.subscriber is not None or national:
            shown.append(event)
    page = Paginator(shown, PARKED_PAGE_SIZE).get_page(page_number)
    return ParkedPage(configured=True, page=page, total=len(shown))


def parked_event(user, seq: int):
    """One parked event if `user` may see it (as parked_page decides), else None."""
    from kalantar.alarms import fanin, parked  # noqa: PLC0415 (as above)

    if not fanin.configured():
        return None
    event = parked.get_parked(seq)
    if event is None:
        return None
    if event.subscriber_id is not None:
        visible = subscribers(user).filter(pk=event.subscriber_id).exists()
        return event if visible or scope_root(user) == "" else None
    return event if scope_root(user) == "" else None
