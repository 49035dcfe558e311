"""Reads of the organisation, always scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Count, Q

from kalantar.core.persian import normalize_text
from kalantar.org.models import Jurisdiction, Unit
from kalantar.org.services import export_feature_collection


def units_for(user, *, kind: str | None = None, search: str | None = None):
    units = Unit.objects.visible_to(user).filter(is_active=True)
    if kind:
        units = units.filter(kind=kind)
    if search:
        term = normalize_text(search)
        units = units.filter(
            Q(name__icontains=term) | Q(code__icontains=term) | Q(name_en__icontains=term)
        )
    return units


def stations_for(user, *, search: str | None = None, parent: str | None = None):
    stations = units_for(user, search=search).stations().select_related("parent")
    if parent:
        stations = stations.filter(path__contains=f"/{parent}/")
    return stations


def jurisdictions_geojson(user, *, under: str | None = None) -> dict:
    units = Unit.objects.visible_to(user)
    if under:
        units = units.filter(path__contains=f"/{under}/")
    return export_feature_collection(units=units)


def unit_summary(unit: Unit) -> dict:
    """Counts shown on a unit's page."""
    below = Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk)
    counts = below.aggregate(
        stations=Count("id", filter=Q(kind=Unit.Kind.KALANTARI)),
        outposts=Count("id", filter=Q(kind=Unit.Kind.PASGAH)),
        counties=Count("id", filter=Q(kind=Unit.Kind.COUNTY)),
    )
    counts["members"] = unit.members.filter(is_active=True).count()
    return counts


def jurisdiction_of(unit: Unit) -> Jurisdiction | None:
    return Jurisdiction.objects.filter(unit=unit).first()
