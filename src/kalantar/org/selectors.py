"""Reads of the organisation, always scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q
from shapely.geometry import shape

from kalantar.core.persian import normalize_text
from kalantar.core.scoping import can_see_unit
from kalantar.org.models import Jurisdiction, Unit


def units_for(user, *, kind: str | None = None, search: str | None = None):
    """Active units the user may see, in tree order, each with its parent (lists name it)."""
    units = Unit.objects.visible_to(user).filter(is_active=True).select_related("parent")
    if kind:
        units = units.filter(kind=kind)
    if search:
        term = normalize_text(search)
        units = units.filter(
            Q(name__icontains=term) | Q(code__icontains=term) | Q(name_en__icontains=term)
        )
    return units


def children_of(user, unit: Unit):
    return units_for(user).filter(parent=unit)


def stations_for(user, *, search: str | None = None, parent: str | None = None):
    stations = units_for(user, search=search).stations().select_related("parent")
    if parent:
        stations = stations.filter(path__contains=f"/{parent}/")
    return stations


def unit_for(user, code: str) -> Unit | None:
    """The unit with this code if the user may see it (inactive ones too: a page may
    still name them); None otherwise."""
    return Unit.objects.visible_to(user).select_related("parent").filter(code=code).first()


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
    # Staff of the unit and of every unit below it, like the other figures.
    counts["members"] = Unit.objects.filter(path__startswith=unit.path).aggregate(
        n=Count("members", filter=Q(members__is_active=True))
    )["n"]
    return counts


def jurisdiction_of(unit: Unit) -> Jurisdiction | None:
    return Jurisdiction.objects.filter(unit=unit).first()


class UnitNotVisible(Exception):
    """The unit does not exist or lies outside the user's scope (the same to the user)."""


def resolve_unit(user, code: str | None) -> Unit:
    """The unit named by `code` (the user's own when empty), if the user may see it."""
    if not code:
        unit = getattr(user, "unit", None)
        if unit is None and getattr(user, "is_superuser", False):
            unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        if unit is None:
            raise UnitNotVisible(code)
        return unit
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not can_see_unit(user, unit):
        raise UnitNotVisible(code)
    return unit


def stations_under(unit: Unit):
    return stations_within(unit.path)


def unit_by_code(code: str) -> Unit | None:
    """The unit with this code, whoever asks (for callers that carry no user's scope, such
    as a gateway naming the station a message came in at)."""
    return Unit.objects.filter(code=code).first()


def units_with_ids(ids: Iterable[int]) -> list[Unit]:
    return list(Unit.objects.filter(pk__in=ids))


def units_within(path: str):
    """Every unit at or below `path` ("" is the whole country), in the tree's order."""
    return Unit.objects.filter(path__startswith=path).order_by("path")


def stations_within(path: str):
    """The stations and outposts at or below `path`, active or not."""
    return Unit.objects.filter(path__startswith=path, kind__in=Unit.STATION_KINDS)


def active_stations_within(path: str):
    return stations_within(path).filter(is_active=True)


def all_stations():
    """Every station and outpost by name: the public forms let anyone choose any."""
    return Unit.objects.filter(kind__in=Unit.STATION_KINDS).order_by("name")


def station_ids(unit: Unit):
    """The ids of the stations a unit answers for (itself when it is a station)."""
    if unit.is_station:
        return [unit.pk]
    return stations_under(unit).values("id")


def export_feature_collection(units=None) -> dict:
    """The stored jurisdictions in the import format (optionally only `units`)."""
    rows = Jurisdiction.objects.select_related("unit", "unit__parent").order_by("unit__code")
    if units is not None:
        rows = rows.filter(unit__in=units)
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": j.unit.code,
                "name": j.unit.name,
                "name_en": j.unit.name_en,
                "kind": j.unit.kind,
                "parent": j.unit.parent.code if j.unit.parent_id else None,
                "hq": [j.unit.hq_lon, j.unit.hq_lat] if j.unit.hq_lon is not None else None,
                "area_km2": j.area_km2,
            },
            "geometry": j.geometry,
        }
        for j in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def unit_kinds_by_code() -> dict[str, str]:
    return dict(Unit.objects.values_list("code", "kind"))


def stored_geometries() -> dict[str, object]:
    return {
        code: shape(geom)
        for code, geom in Jurisdiction.objects.values_list("unit__code", "geometry")
    }


def _prefixes(path: str) -> list[str]:
    """'/IR/HM/HM01/' → ['/IR/', '/IR/HM/', '/IR/HM/HM01/']: the paths of a unit and
    of every unit above it."""
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def province_of(unit: Unit) -> int | None:
    """The id of the province `unit` stands under (or is); None above the provinces. The
    column large tables carry so that they can be partitioned by province."""
    province = unit.province()
    return province.pk if province is not None else None


def province_ids(unit_ids: Iterable[int]) -> dict[int, int | None]:
    """`province_of` for many units at once, by id: two queries whatever their number."""
    provinces = dict(Unit.objects.filter(kind=Unit.Kind.PROVINCE).values_list("path", "pk"))
    found: dict[int, int | None] = {}
    for pk, path in Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "path"):
        found[pk] = next((provinces[p] for p in _prefixes(path) if p in provinces), None)
    return found
