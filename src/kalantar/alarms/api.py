"""Alarm API: the queue, the events of an account, and the operator's steps."""

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from kalantar.alarms import selectors, services
from kalantar.alarms.models import Alarm
from kalantar.core.api import Page, responses
from kalantar.incidents import selectors as incident_selectors

router = Router(tags=["alarms"])


class AlarmOut(Schema):
    id: int
    category: str
    category_label: str
    priority: int
    state: str
    outcome: str
    subscriber: str
    subscriber_id: int
    station: str
    zone: str
    event_count: int
    opened_at: datetime
    acknowledged_at: datetime | None
    dispatched_at: datetime | None
    resolved_at: datetime | None
    restored_at: datetime | None
    incident: str | None
    verification_required: bool

    @staticmethod
    def resolve_subscriber(a: Alarm) -> str:
        return a.subscriber.name

    @staticmethod
    def resolve_station(a: Alarm) -> str:
        return a.station.code

    @staticmethod
    def resolve_incident(a: Alarm) -> str | None:
        return a.incident.number if a.incident_id else None

    @staticmethod
    def resolve_verification_required(a: Alarm) -> bool:
        return a.subscriber.verification_required


class EventOut(Schema):
    id: int
    account: str
    token: str
    encrypted: bool
    seq: str
    code: str
    qualifier: str
    zone: str
    category: str
    priority: int
    known: bool
    panel_time: datetime | None
    received_at: datetime
    alarm_id: int | None


class AlarmQuery(Schema):
    state: str = ""
    station: str = ""
    open: bool = False


class EventQuery(Schema):
    account: str = ""


class DispatchIn(Schema):
    unit: int | str = Field(description="id of a patrol unit of the alarm's station")


class ResolveIn(Schema):
    outcome: str
    note: str = ""
    passcode: str = ""


def _require(request: HttpRequest, perm: str) -> None:
    if not request.auth.has_perm(perm):
        raise HttpError(403, _("Your role does not allow this."))


def _alarm(request: HttpRequest, alarm_id: int) -> Alarm:
    alarm = selectors.alarm(request.auth, alarm_id)
    if alarm is None:
        raise HttpError(404, _("No such alarm in your units."))
    return alarm


@router.get("/alarms/", response=responses(list[AlarmOut], 403), summary="Alarms in your scope")
@paginate(Page)
def list_alarms(request: HttpRequest, filters: Query[AlarmQuery]):
    _require(request, "alarms.view_alarm")
    if filters.open:
        return selectors.queue(request.auth)
    return selectors.alarms(request.auth, state=filters.state, station=filters.station)


@router.get(
    "/alarms/events/", response=responses(list[EventOut], 403), summary="Stored panel messages"
)
@paginate(Page)
def list_events(request: HttpRequest, filters: Query[EventQuery]):
    _require(request, "alarms.view_alarmevent")
    return selectors.events(request.auth, account=filters.account)


@router.get("/alarms/{alarm_id}/", response=responses(AlarmOut, 403, 404), summary="One alarm")
def get_alarm(request: HttpRequest, alarm_id: int):
    _require(request, "alarms.view_alarm")
    return _alarm(request, alarm_id)


@router.post(
    "/alarms/{alarm_id}/acknowledge/", response=responses(AlarmOut, 403, 404), summary="Acknowledge"
)
def acknowledge(request: HttpRequest, alarm_id: int):
    _require(request, "alarms.work_alarm")
    services.acknowledge_alarm(by=request.auth, alarm=_alarm(request, alarm_id))
    return _alarm(request, alarm_id)


@router.post(
    "/alarms/{alarm_id}/dispatch/",
    response=responses(AlarmOut, 400, 403, 404),
    summary="Dispatch a patrol",
)
def dispatch(request: HttpRequest, alarm_id: int, payload: DispatchIn):
    _require(request, "alarms.work_alarm")
    alarm = _alarm(request, alarm_id)
    unit = incident_selectors.patrol_chosen(request.auth, payload.unit)
    if unit is None:
        raise HttpError(422, _("Choose a patrol unit."))
    services.dispatch_alarm(by=request.auth, alarm=alarm, unit=unit)
    return _alarm(request, alarm_id)


@router.post(
    "/alarms/{alarm_id}/resolve/",
    response=responses(AlarmOut, 400, 403, 404),
    summary="Record the outcome",
)
def resolve(request: HttpRequest, alarm_id: int, payload: ResolveIn):
    _require(request, "alarms.work_alarm")
    services.resolve_alarm(
        by=request.auth,
        alarm=_alarm(request, alarm_id),
        outcome=payload.outcome,
        note=payload.note,
        passcode=payload.passcode,
    )
    return _alarm(request, alarm_id)
