"""Writes to the organisation: units and their jurisdictions, each audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry import mapping

from kalantar.core import audit
from kalantar.core.persian import normalize_text
from kalantar.org import selectors
from kalantar.org.models import Jurisdiction, Unit
from kalantar.org.validation import (
    ValidationReport,
    approximate_area_km2,
    normalize_unit_code,
    unit_code_problem,
    validate_collection,
)

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def create_unit(
    *,
    by: AbstractBaseUser | None,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    name_en: str = "",
    hq_lon: float | None = None,
    hq_lat: float | None = None,
) -> Unit:
    code = normalize_unit_code(code)
    problem = unit_code_problem(code)
    if problem:
        raise ValidationError(_("Invalid unit code: %(problem)s.") % {"problem": problem})
    if kind not in Unit.Kind.values:
        raise ValidationError(_("Unknown unit kind: %(kind)s") % {"kind": kind})
    allowed = Unit.PARENT_KINDS[kind]
    if (parent is None and allowed) or (parent is not None and parent.kind not in allowed):
        raise ValidationError(_("A unit of this kind cannot stand under that parent."))
    if Unit.objects.filter(code=code).exists():
        raise ValidationError(_("A unit with code %(code)s already exists.") % {"code": code})
    with transaction.atomic():
        unit = Unit(
            code=code,
            name=normalize_text(name),
            name_en=normalize_text(name_en),
            kind=kind,
            parent=parent,
            hq_lon=hq_lon,
            hq_lat=hq_lat,
        )
        unit.path = unit.compute_path()
        unit.full_clean(exclude=["path"])
        unit.save()
        audit.record("org.unit.create", actor=by, obj=unit, detail={"code": code, "kind": kind})
    return unit


def validate_jurisdictions(*, data: Any) -> ValidationReport:
    """Every problem of a GeoJSON file against the units and jurisdictions stored now."""
    return validate_collection(
        data, parents=selectors.unit_kinds_by_code(), existing=selectors.stored_geometries()
    )


def import_jurisdictions(*, by: AbstractBaseUser | None, data: Any) -> ImportResult:
    """Create or update stations and their jurisdictions; all or nothing.

    Raises ValidationError listing every problem, feature by feature, and stores nothing
    unless the whole file is clean.
    """
    report = validate_jurisdictions(data=data)
    if not report.ok:
        raise ValidationError(report.errors)
    created = updated = 0
    with transaction.atomic():
        parents = {u.code: u for u in Unit.objects.filter(kind=Unit.Kind.COUNTY)}
        for feature in report.features:
            unit, is_new = _upsert_station(feature, parents[feature.parent])
            geometry = shapely.normalize(feature.geometry)
            Jurisdiction.objects.update_or_create(
                unit=unit,
                defaults={
                    "geometry": mapping(geometry),
                    "area_km2": round(approximate_area_km2(geometry), 3),
                },
            )
            created += is_new
            updated += not is_new
        audit.record(
            "org.jurisdictions.import",
            actor=by,
            object_type="org.jurisdiction",
            detail={
                "created": created,
                "updated": updated,
                "codes": [f.code for f in report.features],
            },
        )
    return ImportResult(created=created, updated=updated)


def _upsert_station(feature, parent: Unit) -> tuple[Unit, bool]:
    unit = Unit.objects.filter(code=feature.code).first()
    is_new = unit is None
    if is_new:
        unit = Unit(code=feature.code)
    elif unit.kind not in Unit.STATION_KINDS:
        raise ValidationError(_("%(code)s is a command, not a station.") % {"code": feature.code})
    unit.name = feature.name
    unit.name_en = feature.name_en or unit.name_en
    unit.kind = feature.kind
    unit.parent = parent
    hq = feature.hq or _inner_point(feature.geometry)
    unit.hq_lon, unit.hq_lat = hq
    unit.save()
    return unit, is_new


def _inner_point(geometry) -> tuple[float, float]:
    point = geometry.representative_point()
    return round(point.x, 6), round(point.y, 6)
