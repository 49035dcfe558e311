"""Every write to incidents, patrol units and dispatches: one transaction each, audited.

Each function validates first and raises `ValidationError` with Persian messages (by
field) before anything is written; every incident written is handed to `projection` in
the same transaction, so the counts derived from incidents change with it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import h3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.core import audit, sequences
from kalantar.core.jalali import to_jalali
from kalantar.core.persian import normalize_text
from kalantar.core.scoping import can_see_unit
from kalantar.incidents import categories, counts, drafts, projection
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.geometry import haversine_km, valid_point
from kalantar.incidents.models import (
    Dispatch,
    Incident,
    PatrolUnit,
)
from kalantar.incidents.selectors import Recommendation, nearest_units
from kalantar.incidents.signals import incident_closed, incident_opened
from kalantar.org.geo_cache import locate_unit
from kalantar.org.models import Unit
from kalantar.org.selectors import province_of

if TYPE_CHECKING:
    from kalantar.complaints.models import Complaint
    from kalantar.people.models import User

H3_RESOLUTION = 9


def patrol_speed_kmh() -> float:
    """The assumed average patrol speed for ETAs (settings.PATROL_SPEED_KMH)."""
    return settings.PATROL_SPEED_KMH


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def reserve_numbers(count: int, *, at: datetime | None = None) -> list[str]:
    """Give out `count` consecutive incident numbers of the current Jalali year: 1405-000123."""
    year = to_jalali(at or timezone.now()).year
    return [f"{year}-{n:06d}" for n in sequences.take("incidents", str(year), count)]


def open_incident(
    *,
    by: User | None,
    report: IncidentReport,
    station: Unit | None = None,
    complaint: Complaint | None = None,
) -> Incident:
    """Record an incident at the station whose jurisdiction holds the point (or at
    `station`, when the caller already knows it)."""
    now = timezone.now()
    errors = drafts.field_errors(report, now=now)
    lon, lat = report.lon, report.lat
    station = _route(errors, by=by, lon=lon, lat=lat, station=station)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        incident = Incident.objects.create(
            number=reserve_numbers(1)[0],
            source=report.source,
            category=report.category,
            priority=drafts.priority_of(report),
            station=station,
            province_id=province_of(station),
            lon=float(lon),
            lat=float(lat),
            h3_cell=h3.latlng_to_cell(float(lat), float(lon), H3_RESOLUTION),
            occurred_at=report.occurred_at,
            day=counts.local_day(report.occurred_at),
            received_at=report.received_at or now,
            narrative=normalize_text(report.narrative, multiline=True),
            complaint=complaint,
            alarm_ref=str(report.alarm_ref or ""),
            external_id=report.external_id or None,
        )
        projection.record_saved(projection.Rows.empty(), incident)
        audit.record(
            "incidents.open",
            actor=by,
            obj=incident,
            detail={"source": report.source, "category": report.category, "station": station.code},
        )
        incident_opened.send(sender=Incident, incident=incident, by=by, named=report.named)
    return incident


def _route(errors, *, by, lon, lat, station: Unit | None) -> Unit | None:
    if not valid_point(lon, lat):
        _add(errors, "location", _("The coordinates of the incident are not valid."))
        return None
    if station is None:
        station = locate_unit(float(lon), float(lat))
        if station is None:
            _add(errors, "location", _("The location is outside every station's jurisdiction."))
            return None
    if not station.is_station:
        _add(errors, "station", _("Choose a police station or outpost."))
        return None
    if by is not None and not can_see_unit(by, station):
        _add(errors, "station", _("You cannot record incidents for that station."))
        return None
    return station


def _require_scope(by, station: Unit) -> None:
    if by is not None and not can_see_unit(by, station):
        raise ValidationError(_("This record belongs to a station you do not serve."))


def recommend_units(*, incident: Incident, limit: int = 3) -> list[Recommendation]:
    """Available units of the incident's station, nearest first (`selectors.nearest_units`)."""
    available = PatrolUnit.objects.filter(
        station=incident.station, status=PatrolUnit.Status.AVAILABLE
    ).select_related("station")
    return nearest_units(units=available, lon=incident.lon, lat=incident.lat, limit=limit)


def dispatch_unit(
    *, by: User | None, incident: Incident, unit: PatrolUnit, at: datetime | None = None
) -> Dispatch:
    """Send an available unit of the incident's station to it."""
    at = at or timezone.now()
    _require_scope(by, incident.station)
    with transaction.atomic():
        unit = PatrolUnit.objects.select_for_update().get(pk=unit.pk)
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        before = projection.Rows.of([incident])
        if unit.station_id != incident.station_id:
            raise ValidationError(
                {"unit": [_("Only units of the incident's own station can be dispatched.")]}
            )
        if unit.status != PatrolUnit.Status.AVAILABLE:
            raise ValidationError(
                {"unit": [_("Unit %(unit)s is not available.") % {"unit": unit.call_sign}]}
            )
        if incident.status in (Incident.Status.CLEARED, Incident.Status.CLOSED):
            raise ValidationError(_("This incident is already cleared."))
        if at < incident.received_at:
            raise ValidationError(
                _("A unit cannot be dispatched before the incident was received.")
            )
        dispatch = Dispatch.objects.create(
            incident=incident, unit=unit, dispatched_at=at, by=_user(by)
        )
        unit.status = PatrolUnit.Status.DISPATCHED
        unit.save(update_fields=["status"])
        if incident.dispatched_at is None:
            incident.dispatched_at = at
        if incident.status == Incident.Status.OPEN:
            incident.status = Incident.Status.DISPATCHED
        incident.save(update_fields=["dispatched_at", "status"])
        projection.record_saved(before, incident)
        audit.record(
            "incidents.dispatch",
            actor=by,
            obj=incident,
            detail={"unit": unit.call_sign, "dispatch": dispatch.pk},
        )
    return dispatch


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def mark_on_scene(*, by: User | None, dispatch: Dispatch, at: datetime | None = None) -> Dispatch:
    at = at or timezone.now()
    _require_scope(by, dispatch.incident.station)
    with transaction.atomic():
        dispatch = (
            Dispatch.objects.select_for_update()
            .select_related("incident", "unit")
            .get(pk=dispatch.pk)
        )
        if dispatch.cleared_at is not None or dispatch.on_scene_at is not None:
            raise ValidationError(_("This unit has already reached the scene."))
        if at < dispatch.dispatched_at:
            raise ValidationError(_("A unit cannot reach the scene before it was dispatched."))
        dispatch.on_scene_at = at
        dispatch.save(update_fields=["on_scene_at"])
        PatrolUnit.objects.filter(pk=dispatch.unit_id).update(
            status=PatrolUnit.Status.ON_SCENE,
            last_lon=dispatch.incident.lon,
            last_lat=dispatch.incident.lat,
            last_seen_at=at,
        )
        incident = dispatch.incident
        before = projection.Rows.of([incident])
        if incident.on_scene_at is None:
            incident.on_scene_at = at
        if incident.status in (Incident.Status.OPEN, Incident.Status.DISPATCHED):
            incident.status = Incident.Status.ON_SCENE
        incident.save(update_fields=["on_scene_at", "status"])
        projection.record_saved(before, incident)
        audit.record("incidents.on_scene", actor=by, obj=incident, detail={"dispatch": dispatch.pk})
    return dispatch


def clear_dispatch(
    *, by: User | None, dispatch: Dispatch, outcome: str = "", at: datetime | None = None
) -> Dispatch:
    """The unit is done and available again; the incident is cleared with its last unit."""
    at = at or timezone.now()
    _require_scope(by, dispatch.incident.station)
    with transaction.atomic():
        dispatch = (
            Dispatch.objects.select_for_update().select_related("incident").get(pk=dispatch.pk)
        )
        if dispatch.cleared_at is not None:
            raise ValidationError(_("This dispatch is already cleared."))
        incident = dispatch.incident
        before = projection.Rows.of([incident])
        if at < max(dispatch.dispatched_at, incident.received_at):
            raise ValidationError(_("The time of clearing cannot be before the dispatch."))
        dispatch.cleared_at = at
        dispatch.save(update_fields=["cleared_at"])
        PatrolUnit.objects.filter(pk=dispatch.unit_id).update(
            status=PatrolUnit.Status.AVAILABLE, last_seen_at=at
        )
        if not incident.dispatches.filter(cleared_at__isnull=True).exists():
            incident.status = Incident.Status.CLEARED
            incident.cleared_at = incident.cleared_at or at
        if outcome:
            incident.outcome = normalize_text(outcome)
        incident.save(update_fields=["status", "cleared_at", "outcome"])
        projection.record_saved(before, incident)
        audit.record("incidents.clear", actor=by, obj=incident, detail={"dispatch": dispatch.pk})
    return dispatch


def close_incident(
    *, by: User | None, incident: Incident, outcome: str, at: datetime | None = None
) -> Incident:
    """Close the incident with its outcome; units still on it become available."""
    at = at or timezone.now()
    _require_scope(by, incident.station)
    outcome = normalize_text(outcome)
    if not outcome:
        raise ValidationError({"outcome": [_("Write the outcome of the incident.")]})
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        before = projection.Rows.of([incident])
        if incident.status == Incident.Status.CLOSED:
            raise ValidationError(_("This incident is already closed."))
        if at < incident.received_at:
            raise ValidationError(
                {"cleared_at": [_("An incident cannot be cleared before it was received.")]}
            )
        open_dispatches = list(incident.dispatches.filter(cleared_at__isnull=True))
        for d in open_dispatches:
            d.cleared_at = max(at, d.dispatched_at)
        Dispatch.objects.bulk_update(open_dispatches, ["cleared_at"])
        PatrolUnit.objects.filter(pk__in=[d.unit_id for d in open_dispatches]).update(
            status=PatrolUnit.Status.AVAILABLE
        )
        incident.status = Incident.Status.CLOSED
        incident.outcome = outcome
        incident.cleared_at = incident.cleared_at or at
        incident.save(update_fields=["status", "outcome", "cleared_at"])
        projection.record_saved(before, incident)
        audit.record("incidents.close", actor=by, obj=incident, detail={"outcome": outcome})
        incident_closed.send(sender=Incident, incident=incident, by=by)
    return incident


def set_times(
    *,
    by: User | None,
    incident: Incident,
    dispatched_at: datetime | None = None,
    on_scene_at: datetime | None = None,
    cleared_at: datetime | None = None,
) -> Incident:
    """Correct the response times of an incident; they must follow one another."""
    _require_scope(by, incident.station)
    times = {
        "received_at": incident.received_at,
        "dispatched_at": dispatched_at or incident.dispatched_at,
        "on_scene_at": on_scene_at or incident.on_scene_at,
        "cleared_at": cleared_at or incident.cleared_at,
    }
    errors: dict[str, list[str]] = {}
    previous = None
    labels = {
        "dispatched_at": _("Dispatch cannot be before the incident was received."),
        "on_scene_at": _(
            "Arrival on scene cannot be before the incident was received or dispatched."
        ),
        "cleared_at": _("An incident cannot be cleared before it was received."),
    }
    for name, value in times.items():
        if value is None:
            continue
        if previous is not None and value < previous:
            _add(errors, name, labels[name])
        previous = value if previous is None else max(previous, value)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = projection.Rows.of([incident])
        for name in ("dispatched_at", "on_scene_at", "cleared_at"):
            setattr(incident, name, times[name])
        incident.save(update_fields=["dispatched_at", "on_scene_at", "cleared_at"])
        projection.record_saved(before, incident)
        audit.record(
            "incidents.set_times",
            actor=by,
            obj=incident,
            detail={k: v.isoformat() if v else None for k, v in times.items()},
        )
    return incident


def add_patrol_unit(
    *,
    by: User | None,
    station: Unit,
    call_sign: str,
    kind: str = PatrolUnit.Kind.CAR,
    lon: float | None = None,
    lat: float | None = None,
) -> PatrolUnit:
    call_sign = normalize_text(call_sign)
    errors: dict[str, list[str]] = {}
    if not station.is_station:
        _add(errors, "station", _("Choose a police station or outpost."))
    elif by is not None and not can_see_unit(by, station):
        _add(errors, "station", _("You cannot add units to that station."))
    if not call_sign:
        _add(errors, "call_sign", _("Give the unit a call sign."))
    elif PatrolUnit.objects.filter(station=station, call_sign=call_sign).exists():
        _add(errors, "call_sign", _("This station already has a unit with that call sign."))
    if kind not in PatrolUnit.Kind.values:
        _add(errors, "kind", _("Unknown kind of unit."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        unit = PatrolUnit.objects.create(
            station=station,
            call_sign=call_sign,
            kind=kind,
            last_lon=lon,
            last_lat=lat,
            last_seen_at=timezone.now() if lon is not None else None,
        )
        audit.record("incidents.add_unit", actor=by, obj=unit, detail={"station": station.code})
    return unit


def set_unit_status(*, by: User | None, unit: PatrolUnit, status: str) -> PatrolUnit:
    """Put a unit on or off duty (dispatch states change only through dispatches)."""
    _require_scope(by, unit.station)
    allowed = (PatrolUnit.Status.AVAILABLE, PatrolUnit.Status.OFF_DUTY)
    if status not in allowed:
        raise ValidationError({"status": [_("A unit can only be put on or off duty here.")]})
    if unit.status in (PatrolUnit.Status.DISPATCHED, PatrolUnit.Status.ON_SCENE):
        raise ValidationError({"status": [_("The unit is on an incident; clear it first.")]})
    with transaction.atomic():
        unit.status = status
        unit.save(update_fields=["status"])
        audit.record("incidents.unit_status", actor=by, obj=unit, detail={"status": status})
    return unit


def report_position(
    *, by: User | None, unit: PatrolUnit, lon: float, lat: float, at: datetime | None = None
) -> PatrolUnit:
    _require_scope(by, unit.station)
    if not valid_point(lon, lat):
        raise ValidationError({"location": [_("The coordinates of the incident are not valid.")]})
    unit.last_lon, unit.last_lat, unit.last_seen_at = float(lon), float(lat), at or timezone.now()
    unit.save(update_fields=["last_lon", "last_lat", "last_seen_at"])
    return unit


def verify_counts(*, by=None, fix: bool = False) -> list[projection.Drift]:
    """Recount every count derived from incidents and report the drift; with `fix`,
    rewrite the drifted ones, audited, in one transaction."""
    with transaction.atomic():
        drifts = projection.verify(fix=fix)
        fixed = {d.name: d.wrong + d.missing + d.extra for d in drifts if d.fixed}
        if fixed:
            audit.record(
                "incidents.rebuild_counts",
                actor=by,
                detail={"fixed": fixed},
                object_type="incidents.dailycount",
            )
    return drifts


__all__ = [
    "Recommendation",
    "clear_dispatch",
    "close_incident",
    "dispatch_unit",
    "mark_on_scene",
    "open_incident",
    "recommend_units",
]


# A complaint links to an incident already recorded for the same event (e.g. a 110 call)
# when it is of the same category at the same station, this close in time and place.
LINK_WINDOW = timedelta(hours=3)
LINK_DISTANCE_KM = 0.5


def incident_for_complaint(*, by: User | None, complaint: Complaint) -> Incident:
    """The incident of a complaint accepted by a station: an existing match, or a new one."""
    existing = Incident.objects.filter(complaint=complaint).first()
    if existing is not None:
        return existing
    station = complaint.unit
    if not station.is_station:
        raise ValidationError(_("Only complaints handled by a station become incidents."))
    category = complaint.category.code if categories.is_known(complaint.category.code) else "other"
    lon, lat = complaint.lon, complaint.lat
    if lon is None or lat is None:
        lon, lat = station.hq_lon, station.hq_lat
    if lon is None or lat is None:
        raise ValidationError(_("The complaint has no place and its station no headquarters."))
    match = _matching_incident(station, category, complaint.incident_at, lon, lat)
    if match is not None:
        with transaction.atomic():
            before = projection.Rows.of([match])
            match.complaint = complaint
            match.save(update_fields=["complaint"])
            projection.record_saved(before, match)
            audit.record(
                "incidents.link_complaint",
                actor=by,
                obj=match,
                detail={"complaint": complaint.tracking_code},
            )
        return match
    report = IncidentReport(
        source=Incident.Source.COMPLAINT,
        category=category,
        lon=lon,
        lat=lat,
        occurred_at=min(complaint.incident_at, complaint.filed_at),
        received_at=complaint.filed_at,
        priority=None,
        narrative=complaint.summary,
    )
    # The station accepted it; the person's scope was checked by complaints.
    return open_incident(by=None, report=report, station=station, complaint=complaint)


def _matching_incident(station, category, at, lon, lat) -> Incident | None:
    candidates = Incident.objects.filter(
        station=station,
        category=category,
        complaint__isnull=True,
        occurred_at__gte=at - LINK_WINDOW,
        occurred_at__lte=at + LINK_WINDOW,
    ).order_by("occurred_at")
    for incident in candidates[:20]:
        if haversine_km(lon, lat, incident.lon, incident.lat) <= LINK_DISTANCE_KM:
            return incident
    return None
