"""Every write of the alarm centre outside the receiver's hot path: subscribers, the import,
the alarm state machine, grouping of stored events into alarms, supervision and false-alarm
records. Each public function is one transaction with its audit entry.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.alarms import codes, crypto, sia
from kalantar.alarms.models import (
    Account,
    Alarm,
    AlarmEvent,
    AlarmLog,
    Keyholder,
    ReceiverStatus,
    Subscriber,
)
from kalantar.alarms.selectors import false_alarm_limit, false_alarms_since, receiver_alive
from kalantar.core import audit
from kalantar.core.persian import normalize_text, to_latin_digits
from kalantar.incidents import services as incident_services
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.models import Incident
from kalantar.org.geo_cache import locate_unit
from kalantar.org.models import Unit
from kalantar.org.selectors import province_ids


def group_window() -> timedelta:
    return timedelta(seconds=settings.ALARMS_GROUP_WINDOW_SECONDS)


def supervision_grace_seconds() -> int:
    return settings.ALARMS_SUPERVISION_GRACE_SECONDS


# The incident category a dispatched alarm opens, by the alarm's class (incidents/categories.py).
INCIDENT_CATEGORY = {
    codes.FIRE: "alarm-fire",
    codes.PANIC: "alarm-panic",
    codes.MEDICAL: "alarm-medical",
    codes.BURGLARY: "alarm-burglary",
    codes.TAMPER: "alarm-tamper",
    codes.TROUBLE: "alarm-technical",
    codes.COMM_LOST: "alarm-technical",
    codes.UNKNOWN: "alarm-technical",
}

_ACCOUNT = re.compile(r"^[0-9A-Fa-f]{3,16}$")
_PHONE = re.compile(r"^\+?[0-9]{4,15}$")


# --- Subscribers -------------------------------------------------------------------------


@dataclass
class SubscriberInput:
    name: str
    kind: str
    lon: float | None
    lat: float | None
    accounts: list[str]
    phone: str = ""
    supervision_minutes: int = 0
    key: str = ""
    passcode: str = ""
    address: str = ""
    clock_offset_minutes: int = 0
    keyholders: list[tuple[str, str]] = field(default_factory=list)
    zones: dict[str, str] = field(default_factory=dict)
    action_plan: str = ""


def clean_phone(value: str) -> str:
    return re.sub(r"[\s-]", "", to_latin_digits(value or ""))


def validate_subscriber(data: SubscriberInput, *, taken: set[str] | None = None) -> dict:
    """Errors by field (Persian messages); the station is located from the point."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    _check_texts(data, add)
    _check_kind(data, add)
    _check_location(data, add)
    _check_accounts(data, add, taken)
    _check_phone(data, add)
    _check_supervision(data, add)
    _check_key(data, add)
    _check_keyholders(data, add)
    return errors


# Each check below reports one group of fields through `add(field, message)`.
_AddError = Callable[[str, str], None]


def _check_texts(data: SubscriberInput, add: _AddError) -> None:
    name_limit = Subscriber._meta.get_field("name").max_length
    if not normalize_text(data.name):
        add("name", _("Enter the premises' name."))
    elif len(normalize_text(data.name)) > name_limit:
        add("name", _("The name is longer than %(n)s characters.") % {"n": name_limit})
    address_limit = Subscriber._meta.get_field("address").max_length
    if len(normalize_text(data.address)) > address_limit:
        add("address", _("The address is longer than %(n)s characters.") % {"n": address_limit})


def _check_kind(data: SubscriberInput, add: _AddError) -> None:
    if data.kind not in Subscriber.Kind.values:
        kinds = ", ".join(Subscriber.Kind.values)
        add("kind", _("Kind must be one of: %(kinds)s.") % {"kinds": kinds})


def _check_location(data: SubscriberInput, add: _AddError) -> None:
    if data.lon is None or data.lat is None:
        add("location", _("Enter the premises' longitude and latitude."))
    elif not (-180 <= data.lon <= 180 and -90 <= data.lat <= 90):
        add("location", _("Longitude or latitude is out of range."))
    elif locate_unit(data.lon, data.lat) is None:
        add("location", _("The location is outside every station's jurisdiction."))


def _check_accounts(data: SubscriberInput, add: _AddError, taken: set[str] | None) -> None:
    if not data.accounts:
        add("account", _("Enter the panel's account number."))
    for number in data.accounts:
        if not _ACCOUNT.match(number):
            add("account", _("Account %(a)s must be 3 to 16 hexadecimal digits.") % {"a": number})
        elif (taken is not None and number.upper() in taken) or Account.objects.filter(
            number=number.upper()
        ).exists():
            add("account", _("Account %(a)s is already in use.") % {"a": number})


def _check_phone(data: SubscriberInput, add: _AddError) -> None:
    phone = clean_phone(data.phone)
    if phone and not _PHONE.match(phone):
        add("phone", _("Enter a valid phone number."))


def _check_supervision(data: SubscriberInput, add: _AddError) -> None:
    if data.supervision_minutes < 0 or data.supervision_minutes > 7 * 24 * 60:
        add("supervision_minutes", _("Supervision interval must be 0 to 10080 minutes."))


def _check_key(data: SubscriberInput, add: _AddError) -> None:
    if not data.key:
        return
    try:
        sia.parse_key(data.key)
    except ValueError:
        add("key", _("The key must be 16, 24 or 32 characters, or 32, 48 or 64 hex digits."))


def _check_keyholders(data: SubscriberInput, add: _AddError) -> None:
    name_limit = Keyholder._meta.get_field("name").max_length
    for name, kh_phone in data.keyholders:
        if not normalize_text(name) or not _PHONE.match(clean_phone(kh_phone)):
            add("keyholders", _("Each keyholder needs a name and a valid phone number."))
        elif len(normalize_text(name)) > name_limit:
            add("keyholders", _("A keyholder's name is too long."))


def _create(*, by, data: SubscriberInput) -> Subscriber:
    station = locate_unit(data.lon, data.lat)
    minutes = data.supervision_minutes
    subscriber = Subscriber.objects.create(
        name=normalize_text(data.name),
        kind=data.kind,
        address=normalize_text(data.address),
        phone=clean_phone(data.phone),
        lon=data.lon,
        lat=data.lat,
        station=station,
        passcode_hash=make_password(to_latin_digits(data.passcode)) if data.passcode else "",
        key_encrypted=crypto.seal(data.key.strip()),
        supervision_minutes=minutes,
        clock_offset_minutes=data.clock_offset_minutes,
        zones=data.zones,
        action_plan=normalize_text(data.action_plan, multiline=True),
        next_due=int(time.time()) + minutes * 60 + supervision_grace_seconds() if minutes else None,
    )
    Account.objects.bulk_create(
        [Account(number=n.upper(), subscriber=subscriber) for n in data.accounts]
    )
    Keyholder.objects.bulk_create(
        [
            Keyholder(subscriber=subscriber, name=normalize_text(n), phone=clean_phone(p), order=i)
            for i, (n, p) in enumerate(data.keyholders, start=1)
        ]
    )
    audit.record(
        "alarms.subscriber_created",
        actor=by,
        obj=subscriber,
        detail={"accounts": [n.upper() for n in data.accounts], "station": station.code},
    )
    return subscriber


def create_subscriber(*, by, data: SubscriberInput) -> Subscriber:
    errors = validate_subscriber(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _create(by=by, data=data)


def check_rows(rows: Sequence[tuple[int, SubscriberInput]]) -> list[tuple[int, str]]:
    """(line, Persian message) for every problem in every row, duplicates within the file too."""
    problems: list[tuple[int, str]] = []
    seen: set[str] = set()
    for line, data in rows:
        errors = validate_subscriber(data, taken=seen)
        for messages in errors.values():
            problems.extend((line, m) for m in messages)
        seen.update(n.upper() for n in data.accounts)
    return problems


def line_message(line: int, message: str) -> str:
    return _("Line %(n)s: %(m)s") % {"n": line, "m": message}


def import_subscribers(*, by, rows: Sequence[tuple[int, SubscriberInput]]) -> list[Subscriber]:
    """All rows or none: raises ValidationError listing every bad line before writing."""
    problems = [line_message(n, m) for n, m in check_rows(rows)]
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        created = [_create(by=by, data=data) for _line, data in rows]
        audit.record("alarms.subscribers_imported", actor=by, detail={"count": len(created)})
    return created


def panel_key(subscriber_key_encrypted: str) -> bytes | None:
    text = crypto.unseal(subscriber_key_encrypted)
    return sia.parse_key(text) if text else None


# --- Alarms: grouping stored events ------------------------------------------------------


def _log(alarm: Alarm, action: str, *, by=None, text: str = "", at: datetime | None = None):
    AlarmLog.objects.create(alarm=alarm, at=at or timezone.now(), by=by, action=action, text=text)


def process_pending_events(*, limit: int = 5000) -> int:
    """Turn stored, unprocessed events into alarms (grouped per premises) and restores.

    The receiver stores and acknowledges first, then calls this; after a crash the
    unprocessed rows are still marked, so nothing acknowledged misses its alarm.
    """
    with transaction.atomic():
        # One grouping pass at a time, whichever process runs it (several stream consumers
        # do): two at once would each open an alarm for the same premises, or both for one
        # event. SQLite's BEGIN IMMEDIATE (settings) already orders them.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_GROUPING_LOCK_KEY])
        # Ordered by (processed, id), not id alone: so SQLite walks the partial index of
        # unprocessed rows instead of scanning the whole event table in id order.
        events = list(
            AlarmEvent.objects.filter(processed=False)
            .select_related("subscriber")
            .order_by("processed", "id")[:limit]
        )
        if events:
            _EventGrouping(events).apply()
    return len(events)


# The PostgreSQL advisory lock of event grouping (any constant, the same for every process).
_GROUPING_LOCK_KEY = 0x414C524D


class _EventGrouping:
    """Applies events in arrival order to their premises' open alarms, held in memory, then
    writes the outcome with a few statements per batch: per event, the same result as one
    event at a time, without five ORM round trips each (the receiver runs this under load)."""

    def __init__(self, events: list[AlarmEvent]) -> None:
        self.events = events
        self.open: dict[int, list[Alarm]] = {}
        for alarm in Alarm.objects.filter(
            subscriber_id__in={e.subscriber_id for e in events}
        ).open():
            self.open.setdefault(alarm.subscriber_id, []).append(alarm)
        self.added: dict[int, int] = {}  # alarm id → events grouped into it by this batch
        self.changed: dict[int, Alarm] = {}
        self.restored: set[int] = set()
        self.logs: list[AlarmLog] = []

    def apply(self) -> None:
        links = []  # (alarm id, event id)
        for event in self.events:
            alarm = self._apply(event)
            if alarm is not None:
                links.append((alarm.pk, event.pk))
        adapt = connection.ops.adapt_datetimefield_value
        alarms = [
            (self.added.get(pk, 0), adapt(a.last_event_at), a.priority, a.category,
             adapt(a.restored_at) if pk in self.restored else None, pk)
            for pk, a in self.changed.items()
        ]  # fmt: skip
        with connection.cursor() as cursor:
            # Plain statements, prepared once per batch: the ORM's per-row update compiled a
            # query for every alarm and event touched.
            if alarms:
                cursor.executemany(
                    f"UPDATE {Alarm._meta.db_table} SET event_count = event_count + %s, "
                    "last_event_at = %s, priority = %s, category = %s, "
                    "restored_at = COALESCE(%s, restored_at) WHERE id = %s",
                    alarms,
                )
            if links:
                cursor.executemany(
                    f"UPDATE {AlarmEvent._meta.db_table} SET alarm_id = %s WHERE id = %s", links
                )
        AlarmLog.objects.bulk_create(self.logs)
        AlarmEvent.objects.filter(id__in=[e.pk for e in self.events]).update(processed=True)

    def _log(self, alarm: Alarm, action: str, text: str, at: datetime) -> None:
        self.logs.append(AlarmLog(alarm=alarm, at=at, action=action, text=text))

    def _apply(self, event: AlarmEvent) -> Alarm | None:
        candidates = [
            a for a in self.open.get(event.subscriber_id, ()) if a.category != codes.COMM_LOST
        ]
        at = event.received_at
        if event.category == codes.RESTORE:
            if not candidates:
                return None
            alarm = max(candidates, key=lambda a: a.last_event_at)
            alarm.restored_at = at
            self.restored.add(alarm.pk)
            self.changed[alarm.pk] = alarm
            self._log(alarm, AlarmLog.Action.RESTORE, event.code, at)
            return alarm
        if event.category not in codes.ALARM_CATEGORIES and event.known:
            return None
        since = at - group_window()
        recent = [a for a in candidates if a.last_event_at >= since]
        text = f"{event.code} {event.zone}".strip()
        if recent:
            alarm = min(recent, key=lambda a: (a.priority, a.opened_at, a.pk))
            self.added[alarm.pk] = self.added.get(alarm.pk, 0) + 1
            alarm.last_event_at = max(alarm.last_event_at, at)
            if event.priority < alarm.priority:
                alarm.priority, alarm.category = event.priority, event.category
            self.changed[alarm.pk] = alarm
            self._log(alarm, AlarmLog.Action.EVENT, text, at)
            return alarm
        sub = event.subscriber
        category = event.category if event.known else codes.UNKNOWN
        priority = event.priority if event.known else codes.PRIORITY[codes.TROUBLE]
        alarm = Alarm.objects.create(
            subscriber=sub, station_id=sub.station_id, category=category, priority=priority,
            zone=event.zone, opened_at=at, last_event_at=at,
            province_id=event.province_id or province_ids([sub.station_id])[sub.station_id],
        )  # fmt: skip
        self.open.setdefault(sub.pk, []).append(alarm)
        self._log(alarm, AlarmLog.Action.OPENED, text, at)
        audit.record(
            "alarms.alarm_opened",
            obj=alarm,
            detail={"category": category, "subscriber": sub.pk, "event": event.pk},
        )
        return alarm


def restore_communication(subscriber_ids: Iterable[int], *, at: datetime | None = None) -> int:
    """Panels that spoke again after "communication lost": annotate and mark them reporting."""
    ids = list(subscriber_ids)
    if not ids:
        return 0
    at = at or timezone.now()
    with transaction.atomic():
        lost = list(
            Subscriber.objects.filter(id__in=ids, comm_state=Subscriber.Comm.LOST).values_list(
                "id", flat=True
            )
        )
        if not lost:
            return 0
        Subscriber.objects.filter(id__in=lost).update(comm_state=Subscriber.Comm.OK)
        for alarm in Alarm.objects.filter(subscriber_id__in=lost, category=codes.COMM_LOST).open():
            alarm.restored_at = at
            alarm.save(update_fields=["restored_at"])
            _log(alarm, AlarmLog.Action.RESTORE, text=_("Communication restored"), at=at)
        audit.record("alarms.communication_restored", detail={"subscribers": lost})
    return len(lost)


# --- Supervision --------------------------------------------------------------------------


def mark_receiver_started(*, name: str, now: datetime | None = None) -> None:
    """A (re)started receiver gives every panel a full interval before it may count as lost,
    so a receiver outage never turns into a storm of "communication lost" alarms."""
    now = now or timezone.now()
    epoch = int(now.timestamp())
    grace = supervision_grace_seconds()
    with transaction.atomic():
        Subscriber.objects.filter(supervision_minutes__gt=0).filter(
            next_due__lt=epoch + F("supervision_minutes") * 60 + grace
        ).update(next_due=epoch + F("supervision_minutes") * 60 + grace)
        ReceiverStatus.objects.update_or_create(
            name=name,
            defaults={
                "started_at": now, "alive_at": now, "connections": 0, "refused": 0,
                "timed_out": 0, "replies_dropped": 0, "limited_at": None,
                "stream_down_since": None,
            },
        )  # fmt: skip


def touch_receiver(*, name: str, now: datetime | None = None, **figures) -> None:
    """The receiver's heartbeat, with what its limits did since it started (`Stats`)."""
    ReceiverStatus.objects.filter(name=name).update(alive_at=now or timezone.now(), **figures)


def supervision_sweep(*, now: datetime | None = None, batch: int = 1000) -> int:
    """Open "communication lost" for every panel past its due time (one indexed query,
    no timer per panel). Skipped while no receiver is alive: then it is our outage."""
    now = now or timezone.now()
    if not receiver_alive(now):
        return 0
    epoch = int(now.timestamp())
    raised = 0
    while True:
        overdue = list(
            Subscriber.objects.filter(
                comm_state=Subscriber.Comm.OK, next_due__lt=epoch, supervision_minutes__gt=0
            ).order_by("next_due")[:batch]
        )
        if not overdue:
            return raised
        with transaction.atomic():
            for sub in overdue:
                _raise_comm_lost(sub, now)
        raised += len(overdue)


def _raise_comm_lost(sub: Subscriber, now: datetime) -> None:
    updated = Subscriber.objects.filter(pk=sub.pk, comm_state=Subscriber.Comm.OK).update(
        comm_state=Subscriber.Comm.LOST
    )
    if not updated:
        return
    alarm = Alarm.objects.create(
        subscriber=sub,
        station_id=sub.station_id,
        category=codes.COMM_LOST,
        priority=codes.PRIORITY[codes.COMM_LOST],
        opened_at=now,
        last_event_at=now,
        event_count=0,
        province_id=province_ids([sub.station_id])[sub.station_id],
    )
    _log(
        alarm, AlarmLog.Action.OPENED, text=_("No message within the supervision interval"), at=now
    )
    audit.record("alarms.communication_lost", obj=alarm, detail={"subscriber": sub.pk})


# --- The operator's state machine ---------------------------------------------------------

_NEXT = {
    "acknowledge": (Alarm.State.NEW,),
    "dispatch": (Alarm.State.NEW, Alarm.State.ACKNOWLEDGED),
    "resolve": (Alarm.State.NEW, Alarm.State.ACKNOWLEDGED, Alarm.State.DISPATCHED),
}


def _lock(alarm: Alarm, step: str) -> Alarm:
    alarm = Alarm.objects.select_for_update().select_related("subscriber").get(pk=alarm.pk)
    if alarm.state not in _NEXT[step]:
        raise ValidationError(
            _("This alarm is already %(state)s.") % {"state": alarm.get_state_display()}
        )
    return alarm


def acknowledge_alarm(*, by, alarm: Alarm) -> Alarm:
    with transaction.atomic():
        alarm = _lock(alarm, "acknowledge")
        now = timezone.now()
        alarm.state, alarm.acknowledged_at, alarm.acknowledged_by = (
            Alarm.State.ACKNOWLEDGED, now, by,
        )  # fmt: skip
        alarm.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
        seconds = int((now - alarm.opened_at).total_seconds())
        _log(alarm, AlarmLog.Action.ACKNOWLEDGED, by=by, at=now)
        audit.record("alarms.alarm_acknowledged", actor=by, obj=alarm, detail={"seconds": seconds})
    return alarm


# The steps of the action plan and their audit actions (spelt out: audit_actions.py lists them).
_LOG_ACTIONS = {
    AlarmLog.Action.CALL_PREMISES: "alarms.call_premises",
    AlarmLog.Action.CALL_KEYHOLDER: "alarms.call_keyholder",
    AlarmLog.Action.NOTE: "alarms.note",
}


def log_action(*, by, alarm: Alarm, action: str, text: str = "") -> None:
    """A step of the action plan (call to premises, to a keyholder…) and its result."""
    if action not in _LOG_ACTIONS:
        raise ValidationError(_("Unknown action."))
    text = normalize_text(text)[:500]
    with transaction.atomic():
        _log(alarm, action, by=by, text=text)
        audit.record(_LOG_ACTIONS[action], actor=by, obj=alarm, detail={"text": text})


def dispatch_alarm(*, by, alarm: Alarm, unit) -> Alarm:
    """Send a patrol of the alarm's station: opens the station's incident, linked here."""
    with transaction.atomic():
        alarm = _lock(alarm, "dispatch")
        if unit.station_id != alarm.station_id:
            raise ValidationError(_("Choose a patrol of the premises' station."))
        sub = alarm.subscriber
        report = IncidentReport(
            source="alarm",
            category=INCIDENT_CATEGORY.get(alarm.category, "alarm"),
            lon=sub.lon,
            lat=sub.lat,
            occurred_at=alarm.opened_at,
            received_at=alarm.opened_at,
            priority=min(alarm.priority, 4),
            narrative=f"{alarm.category_label}: {sub.name}",
            alarm_ref=str(alarm.pk),
        )
        incident = incident_services.open_incident(by=by, report=report, station=alarm.station)
        incident_services.dispatch_unit(by=by, incident=incident, unit=unit)
        now = timezone.now()
        alarm.state, alarm.dispatched_at, alarm.incident = Alarm.State.DISPATCHED, now, incident
        if alarm.acknowledged_at is None:
            alarm.acknowledged_at, alarm.acknowledged_by = now, by
        alarm.save(
            update_fields=["state", "dispatched_at", "incident", "acknowledged_at",
                           "acknowledged_by"]
        )  # fmt: skip
        _log(alarm, AlarmLog.Action.DISPATCHED, by=by, text=unit.call_sign, at=now)
        audit.record(
            "alarms.alarm_dispatched",
            actor=by,
            obj=alarm,
            detail={"unit": unit.call_sign, "incident": incident.number},
        )
    return alarm


def resolve_alarm(*, by, alarm: Alarm, outcome: str, note: str = "", passcode: str = "") -> Alarm:
    if outcome not in Alarm.Outcome.values:
        raise ValidationError(_("Choose the outcome."))
    with transaction.atomic():
        alarm = _lock(alarm, "resolve")
        sub = alarm.subscriber
        given = to_latin_digits(passcode).strip()
        if outcome == Alarm.Outcome.CANCELLED and not (
            sub.passcode_hash and check_password(given, sub.passcode_hash)
        ):
            raise ValidationError(_("The keyholder's passcode is not correct."))
        now = timezone.now()
        alarm.state, alarm.outcome, alarm.resolved_at = Alarm.State.RESOLVED, outcome, now
        alarm.note = normalize_text(note, multiline=True)
        alarm.save(update_fields=["state", "outcome", "resolved_at", "note"])
        _log(alarm, AlarmLog.Action.RESOLVED, by=by, text=alarm.get_outcome_display(), at=now)
        audit.record("alarms.alarm_resolved", actor=by, obj=alarm, detail={"outcome": outcome})
        if outcome in Alarm.FALSE_OUTCOMES and alarm.category != codes.COMM_LOST:
            _update_verification(sub, now)
        _close_incident(by=by, alarm=alarm, outcome=outcome)
    return alarm


def _close_incident(*, by, alarm: Alarm, outcome: str) -> None:
    incident = getattr(alarm, "incident", None)
    if incident is None or incident.status == Incident.Status.CLOSED:
        return
    incident_services.close_incident(by=by, incident=incident, outcome=outcome)


def _update_verification(sub: Subscriber, now: datetime) -> None:
    count = false_alarms_since([sub.pk], now=now).count()
    if count >= false_alarm_limit() and not sub.verification_required:
        Subscriber.objects.filter(pk=sub.pk).update(verification_required=True)
        audit.record(
            "alarms.verification_required", obj=sub, detail={"false_alarms_12_months": count}
        )


def set_verification(*, by, subscriber: Subscriber, required: bool) -> None:
    with transaction.atomic():
        Subscriber.objects.filter(pk=subscriber.pk).update(verification_required=required)
        audit.record(
            "alarms.verification_set", actor=by, obj=subscriber, detail={"required": required}
        )


def station_of(unit_code: str) -> Unit | None:
    return Unit.objects.stations().filter(code=unit_code).first()


# --- Parked events (alarms.parked) ----------------------------------------------------------


def replay_parked(*, by, seqs: list[int] | None) -> list:
    """Put parked events (None: every one) back on the event stream for the consumers to
    store; each replay done is audited. Returns parked.Outcome per event."""
    from kalantar.alarms import parked  # noqa: PLC0415 (it imports this module, via fanin)

    outcomes = parked.replay(seqs)
    with transaction.atomic():
        for outcome in outcomes:
            if outcome.done:
                audit.record(
                    "alarms.parked_replayed",
                    actor=by,
                    object_type="alarms.parkedevent",
                    object_id=outcome.seq,
                    detail={"key": outcome.key},
                )
    return outcomes


def drop_parked(*, by, seq: int, reason: str):
    """Delete a parked event for good, with the reason why (audited)."""
    from kalantar.alarms import parked  # noqa: PLC0415 (as above)

    reason = normalize_text(reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the parked event is dropped."))
    outcome, found = parked.drop(seq)
    if outcome.done:
        with transaction.atomic():
            audit.record(
                "alarms.parked_dropped",
                actor=by,
                object_type="alarms.parkedevent",
                object_id=seq,
                detail={"key": outcome.key, "reason": reason[:500], "error": found.reason},
            )
    return outcome
