"""Validation of a jurisdictions GeoJSON file, feature by feature, before anything is stored."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from kalantar.core.persian import normalize_text

STATION_KINDS = ("kalantari", "pasgah")
# A unit code becomes one segment of every path below it (/IR/HM/HM01/HM01K01/), which is how
# records are scoped: a "/" or any other character would make it a path of its own.
UNIT_CODE = re.compile(r"[A-Z0-9]{2,32}")
NAME_MAX_LENGTH = 200  # Unit.name and Unit.name_en
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


def normalize_unit_code(raw: Any) -> str:
    """A unit code as stored: Persian digits made Latin, letters upper-case."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        return ""
    return normalize_text(str(raw)).upper()


def unit_code_problem(code: str) -> str | None:
    """Why `code` (normalised) cannot be a unit's code, or None if it can."""
    if not code:
        return _("the code is missing")
    if not UNIT_CODE.fullmatch(code):
        return _("the code “%(code)s” must be 2 to 32 Latin letters and digits") % {
            "code": code[:40]
        }
    return None


def _text(raw: Any) -> str:
    return normalize_text(raw) if isinstance(raw, str) else ""


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

    `parents` maps every known unit code to its kind (a feature may update a stored station,
    never another kind of unit); `existing` holds the stored jurisdictions that the file does
    not replace, which it must not overlap either. The import runs this same check, so a file
    that passes it is imported.
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
    code = normalize_unit_code(props.get("code"))
    problems: list[str] = []
    code_problem = unit_code_problem(code)
    if code_problem:
        problems.append(code_problem)
        code = ""  # not shown in the label: it may be anything, of any length
    elif parents.get(code, "kalantari") not in STATION_KINDS:
        problems.append(
            _("the code %(code)s belongs to a unit that is not a station") % {"code": code}
        )
    label = _label(index, code)
    name = _text(props.get("name"))
    if not name:
        problems.append(_("the name is missing"))
    name_en = _text(props.get("name_en"))
    if len(name) > NAME_MAX_LENGTH or len(name_en) > NAME_MAX_LENGTH:
        problems.append(_("a name is longer than %(n)s characters") % {"n": NAME_MAX_LENGTH})
    kind = props.get("kind")
    if kind not in STATION_KINDS:
        problems.append(_("the kind must be “kalantari” or “pasgah”"))
    parent = normalize_unit_code(props.get("parent"))
    if parents.get(parent) != "county":
        problems.append(
            _("the parent “%(parent)s” is not a known county command") % {"parent": parent[:40]}
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
        name_en=name_en,
        kind=kind,
        parent=parent,
        geometry=geometry,
        hq=hq,
    )


def _is_position(item: Any) -> bool:
    return (
        isinstance(item, list)
        and 2 <= len(item) <= 3
        and all(
            isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)
            for x in item
        )
    )


def _is_polygon(rings: Any) -> bool:
    """A list of rings, each a list of positions (shapely checks their number and closes them)."""
    return (
        isinstance(rings, list)
        and bool(rings)
        and all(isinstance(ring, list) and all(map(_is_position, ring)) for ring in rings)
    )


def _well_formed(raw: dict) -> bool:
    """The coordinates have exactly the nesting of the geometry's type, numbers at the
    bottom. Checked before shapely sees them: malformed input makes shapely raise
    anything from KeyError to RecursionError."""
    coordinates = raw.get("coordinates")
    if raw["type"] == "Polygon":
        return _is_polygon(coordinates)
    return (
        isinstance(coordinates, list) and bool(coordinates) and all(map(_is_polygon, coordinates))
    )


def _parse_geometry(raw: Any, problems: list[str]) -> BaseGeometry | None:
    geometry, problem = _shape(raw)
    if problem is None:
        problem = _geometry_problem(geometry)
    if problem is not None:
        problems.append(problem)
        return None
    return geometry


def _shape(raw: Any) -> tuple[BaseGeometry | None, str | None]:
    """The shape GeoJSON describes, or why it describes none."""
    if not isinstance(raw, dict) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        return None, _("the geometry must be a Polygon or MultiPolygon")
    if not _well_formed(raw):
        return None, _("the geometry's coordinates are malformed")
    try:
        return shape(raw), None
    except (ValueError, TypeError, shapely.errors.GEOSException):
        return None, _("the geometry's coordinates are malformed")


def _geometry_problem(geometry: BaseGeometry) -> str | None:
    """Why a well-formed shape cannot be a jurisdiction, if it cannot."""
    if geometry.is_empty:
        return _("the geometry is empty")
    minx, miny, maxx, maxy = geometry.bounds
    if minx < -180 or maxx > 180 or miny < -90 or maxy > 90:
        return _("the coordinates are not longitude/latitude")
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        return _("the geometry is invalid (%(reason)s)") % {"reason": reason}
    return None


def _parse_hq(raw: Any, geometry: BaseGeometry | None, problems: list[str]):
    if raw is None:
        return None
    if not (_is_position(raw) and len(raw) == 2):
        problems.append(_("the headquarters point must be [longitude, latitude]"))
        return None
    lon, lat = float(raw[0]), float(raw[1])
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


# Mean Earth radius; areas are for display only, so a spherical approximation is enough.
_KM_PER_DEGREE = 111.195


def approximate_area_km2(geometry) -> float:
    """Area of a lon/lat geometry in km², scaled by the cosine of its mean latitude."""
    lat = geometry.centroid.y
    return geometry.area * _KM_PER_DEGREE**2 * math.cos(math.radians(lat))
