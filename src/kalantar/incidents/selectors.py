"""Scoped reads of incidents and patrol units."""

from __future__ import annotations

from collections import Counter

from kalantar.core.persian import to_latin_digits
from kalantar.incidents.models import Dispatch, Incident, PatrolUnit
from kalantar.org.models import Unit


def incidents_for(user, unit: Unit | None = None):
    incidents = Incident.objects.visible_to(user).select_related("station")
    if unit is not None:
        incidents = incidents.filter(station__path__startswith=unit.path)
    return incidents


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
