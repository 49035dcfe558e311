"""Validation of a jurisdictions GeoJSON file, feature by feature, before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from kalantar.core.persian import normalize_text

STATION_KINDS = ("kalantari", "pasgah")
# Overlaps smaller than this (in squared degrees, about 1 m²) are rounding noise.
OVERLAP_TOLERANCE = 1e-10


@dataclass
class ParsedFeature:
    index: int  # 1-based position in the file
    code: str
    name: str
    name_en: str
    kind: str
    parent: str
    geometry: BaseGeometry
    hq: tuple[float, float] | None = None


@dataclass
class ValidationReport:
    features: list[ParsedFeature] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _label(index: int, code: str) -> str:
    if code:
        return _("Feature %(index)s (code %(code)s)") % {"index": index, "code": code}
    return _("Feature %(index)s") % {"index": index}


def validate_collection(
    data: Any,
    *,
    parents: dict[str, str],
    existing: dict[str, BaseGeometry] | None = None,
) -> ValidationReport:
    """Check a FeatureCollection against the import rules.

    `parents` maps every known unit code to its kind; `existing` holds the stored
    jurisdictions that the file does not replace, which it must not overlap either.
    """
    report = ValidationReport()
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        report.errors.append(_("The file is not a GeoJSON FeatureCollection."))
        return report
    features = data.get("features")
    if not isinstance(features, list) or not features:
        report.errors.append(_("The FeatureCollection has no features."))
        return report
    seen: dict[str, int] = {}
    for index, feature in enumerate(features, start=1):
        parsed = _parse_feature(index, feature, parents, report.errors)
        if parsed is None:
            continue
        if parsed.code in seen:
            report.errors.append(
                _("%(label)s: the code is repeated; it was first used by feature %(first)s.")
                % {"label": _label(index, parsed.code), "first": seen[parsed.code]}
            )
            continue
        seen[parsed.code] = index
        report.features.append(parsed)
    others = {c: g for c, g in (existing or {}).items() if c not in seen}
    report.errors.extend(_overlap_errors(report.features, others))
    return report


def _parse_feature(
    index: int, feature: Any, parents: dict[str, str], errors: list[str]
) -> ParsedFeature | None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        errors.append(_("%(label)s: not a GeoJSON Feature.") % {"label": _label(index, "")})
        return None
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        props = {}
    code = normalize_text(str(props.get("code") or "")).upper()
    label = _label(index, code)
    problems: list[str] = []
    if not code:
        problems.append(_("the code is missing"))
    name = normalize_text(str(props.get("name") or ""))
    if not name:
        problems.append(_("the name is missing"))
    kind = str(props.get("kind") or "")
    if kind not in STATION_KINDS:
        problems.append(_("the kind must be “kalantari” or “pasgah”"))
    parent = normalize_text(str(props.get("parent") or "")).upper()
    if parents.get(parent) != "county":
        problems.append(
            _("the parent “%(parent)s” is not a known county command") % {"parent": parent}
        )
    geometry = _parse_geometry(feature.get("geometry"), problems)
    hq = _parse_hq(props.get("hq"), geometry, problems)
    if problems:
        errors.append(f"{label}: " + _("; ").join(problems) + ".")
        return None
    return ParsedFeature(
        index=index,
        code=code,
        name=name,
        name_en=normalize_text(str(props.get("name_en") or "")),
        kind=kind,
        parent=parent,
        geometry=geometry,
        hq=hq,
    )


def _parse_geometry(raw: Any, problems: list[str]) -> BaseGeometry | None:
    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        problems.append(_("the geometry must be a Polygon or MultiPolygon"))
        return None
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException):
        problems.append(_("the geometry's coordinates are malformed"))
        return None
    if geometry.is_empty:
        problems.append(_("the geometry is empty"))
        return None
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        problems.append(_("the coordinates are not longitude/latitude"))
        return None
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        problems.append(_("the geometry is invalid (%(reason)s)") % {"reason": reason})
        return None
    return geometry


def _parse_hq(raw: Any, geometry: BaseGeometry | None, problems: list[str]):
    if raw is None:
        return None
    try:
        lon, lat = float(raw[0]), float(raw[1])
    except (TypeError, ValueError, IndexError):
        problems.append(_("the headquarters point is malformed"))
        return None
    if geometry is not None and not geometry.covers(shapely.Point(lon, lat)):
        problems.append(_("the headquarters point lies outside the jurisdiction"))
    return lon, lat


def _overlap_errors(features: list[ParsedFeature], others: dict[str, BaseGeometry]) -> list[str]:
    items = [(f.code, f.geometry, f.index) for f in features]
    items += [(code, geom, None) for code, geom in others.items()]
    if len(items) < 2:
        return []
    geoms = [g for _c, g, _i in items]
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    errors = []
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a >= b or (items[a][2] is None and items[b][2] is None):
            continue
        overlap = geoms[a].intersection(geoms[b]).area
        if overlap > OVERLAP_TOLERANCE:
            mine, theirs = (items[a], items[b]) if items[a][2] is not None else (items[b], items[a])
            errors.append(
                _("%(label)s: overlaps the jurisdiction of %(other)s.")
                % {"label": _label(mine[2], mine[0]), "other": theirs[0]}
            )
    return errors
