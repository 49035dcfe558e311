"""Scoped reads of incidents and patrol units."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.conf import settings

from kalantar.core.persian import to_latin_digits
from kalantar.core.scoping import can_see_unit
from kalantar.incidents.geometry import haversine_km
from kalantar.incidents.models import Dispatch, Incident, PatrolUnit
from kalantar.org.models import Unit
from kalantar.org.places import ADDRESS_ROWS, first_matching_addresses
from kalantar.org.selectors import UnitNotVisible, station_ids, stations_under

# Rows read to find a page of distinct addresses: the newest of a station's incidents.


def incidents_for(user, unit: Unit | None = None):
    incidents = Incident.objects.visible_to(user).select_related("station")
    if unit is not None:
        incidents = incidents.filter(station__path__startswith=unit.path)
    return incidents


# Incidents a dispatcher can still act on: neither cleared nor closed.
FINISHED_STATUSES = (Incident.Status.CLEARED, Incident.Status.CLOSED)


@dataclass(frozen=True)
class IncidentFilters:
    """The incident list's filters (incidents/forms.py parses them). A status of "open"
    means every incident not yet cleared, as the list has always read it."""

    q: str = ""
    status: str = ""
    category: str = ""
    source: str = ""
    start: date | None = None
    end: date | None = None


def incident_list(user, unit: Unit | None, filters: IncidentFilters):
    """The incidents a user may see under `unit` that match the filters, newest first."""
    incidents = incidents_for(user, unit)
    if filters.q:
        incidents = incidents.filter(number__contains=filters.q)
    if filters.status == Incident.Status.OPEN:
        incidents = incidents.open()
    elif filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.category:
        incidents = incidents.filter(category=filters.category)
    if filters.source:
        incidents = incidents.filter(source=filters.source)
    if filters.start:
        incidents = incidents.filter(day__gte=filters.start)
    if filters.end:
        incidents = incidents.filter(day__lte=filters.end)
    return incidents.order_by("-occurred_at")


def incident_for(user, number: str) -> Incident | None:
    """One incident the user may see, by its number; None for any other."""
    return (
        Incident.objects.visible_to(user)
        .select_related("station", "complaint")
        .filter(number=number)
        .first()
    )


def dispatches_of(incident: Incident):
    return incident.dispatches.select_related("unit").order_by("dispatched_at")


def dispatch_for(user, pk: int) -> Dispatch | None:
    """One dispatch to an incident the user may see; None for any other."""
    return (
        Dispatch.objects.visible_to(user)
        .select_related("incident__station", "unit")
        .filter(pk=pk)
        .first()
    )


def patrol_for(user, pk: int) -> PatrolUnit | None:
    """One patrol unit of a station the user may see; None for any other."""
    return PatrolUnit.objects.visible_to(user).select_related("station").filter(pk=pk).first()


def recorded_addresses(user, words: list[str], limit: int) -> list[tuple[str, float, float]]:
    """(place text, lon, lat) of the incidents the user may see that came from a complaint
    whose place holds every word (normalised for search): an incident records a point, and
    its words only through the complaint. Newest first, each address once."""
    if not user.has_perm("incidents.view_incident"):
        return []  # the scope says which units; the role, whether incidents at all
    incidents = Incident.objects.visible_to(user).filter(complaint__isnull=False)
    incidents = incidents.exclude(complaint__location_text="")
    for word in words:
        incidents = incidents.filter(complaint__search_text__contains=word)
    rows = incidents.order_by("-occurred_at").values_list("complaint__location_text", "lon", "lat")
    return first_matching_addresses(rows[:ADDRESS_ROWS], words, limit)


def open_incidents(user, unit: Unit | None = None):
    return incidents_for(user, unit).open().order_by("priority", "received_at")


def units_for(user, unit: Unit | None = None):
    units = PatrolUnit.objects.visible_to(user).select_related("station")
    if unit is not None:
        units = units.filter(station__path__startswith=unit.path)
    return units.order_by("station__path", "call_sign")


def patrol_chosen(user, value: str | int | None) -> PatrolUnit | None:
    """The patrol unit a form or API names by id, if the user may see it; None for anything
    else ("abc", "", a number that names no visible unit)."""
    text = to_latin_digits(value).strip()
    if not (text.isascii() and text.isdecimal()):
        return None
    return (
        PatrolUnit.objects.visible_to(user).select_related("station").filter(pk=int(text)).first()
    )


def unit_status_summary(user, unit: Unit | None = None) -> list[tuple[str, str, int]]:
    """(status, label, how many) for every unit status, in the order of the choices."""
    counts = Counter(units_for(user, unit).values_list("status", flat=True))
    return [(value, label, counts.get(value, 0)) for value, label in PatrolUnit.Status.choices]


def active_dispatches(user, unit: Unit | None = None):
    dispatches = Dispatch.objects.visible_to(user).filter(cleared_at__isnull=True)
    if unit is not None:
        dispatches = dispatches.filter(incident__station__path__startswith=unit.path)
    return dispatches.select_related("incident", "unit")


@dataclass(frozen=True)
class ResponseTimes:
    station: Unit
    incidents: int
    median_minutes: float | None
    p90_minutes: float | None


def response_times(*, user, unit: Unit, start: date, end: date) -> list[ResponseTimes]:
    """Minutes from receipt to the first unit on scene, per station: median and 90th percentile."""
    if not can_see_unit(user, unit):
        raise UnitNotVisible(unit.code)
    per_station: dict[int, list[float]] = {}
    rows = Incident.objects.filter(
        station_id__in=station_ids(unit),
        day__gte=start,
        day__lte=end,
        on_scene_at__isnull=False,
    ).values_list("station_id", "received_at", "on_scene_at")
    for station_id, received, on_scene in rows:
        per_station.setdefault(station_id, []).append((on_scene - received).total_seconds() / 60)
    stations = {s.pk: s for s in stations_under(unit)} if not unit.is_station else {unit.pk: unit}
    result = []
    for station_id, station in sorted(stations.items(), key=lambda kv: kv[1].path):
        minutes = per_station.get(station_id, [])
        if minutes:
            arr = np.asarray(minutes)
            median, p90 = float(np.median(arr)), float(np.percentile(arr, 90))
        else:
            median = p90 = None
        result.append(ResponseTimes(station, len(minutes), median, p90))
    return result


@dataclass(frozen=True)
class Recommendation:
    unit: PatrolUnit
    distance_km: float | None
    eta_minutes: float | None


def nearest_units(
    *, units: Iterable[PatrolUnit], lon: float, lat: float, limit: int = 3
) -> list[Recommendation]:
    """`units` (the caller's scope, e.g. a station's available ones) nearest first to the
    point (lon, lat) by straight-line distance, with an ETA at settings.PATROL_SPEED_KMH.

    A unit that never reported a position is placed at its station's headquarters; one
    with neither comes last, without distance.
    """
    speed = settings.PATROL_SPEED_KMH
    found = []
    for unit in units:
        ulon, ulat = unit.last_lon, unit.last_lat
        if ulon is None or ulat is None:
            ulon, ulat = unit.station.hq_lon, unit.station.hq_lat
        if ulon is None or ulat is None:
            found.append(Recommendation(unit, None, None))
            continue
        km = haversine_km(ulon, ulat, lon, lat)
        # Whole minutes, rounded up: a dispatcher reads "2 min", never "0 min".
        found.append(Recommendation(unit, round(km, 2), float(math.ceil(km / speed * 60))))
    found.sort(key=lambda r: (r.distance_km is None, r.distance_km or 0, r.unit.call_sign))
    return found[:limit]
