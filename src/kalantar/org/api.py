from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from kalantar.core.api import Page, responses
from kalantar.org import places, selectors
from kalantar.org.geo_cache import locate_unit
from kalantar.org.models import Unit

router = Router(tags=["organisation"])


class UnitOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None = Field(None, alias="parent.code")
    hq_lon: float | None
    hq_lat: float | None


class LocateOut(Schema):
    inside: bool
    code: str | None = None
    name: str | None = None
    name_en: str | None = None
    kind: str | None = None


class LocateQuery(Schema):
    lon: float = Field(..., ge=-180, le=180)
    lat: float = Field(..., ge=-90, le=90)


@router.get("/units", response=responses(list[UnitOut]), summary="Units the caller may see")
@paginate(Page)
def list_units(request: HttpRequest, kind: str | None = None, q: str | None = None):
    if kind and kind not in Unit.Kind.values:  # refused before it reaches the database
        raise ValidationError({"kind": [_("Choose one of the unit kinds.")]})
    return selectors.units_for(request.auth, kind=kind, search=q)


@router.get("/units/{code}", response=responses(UnitOut, 404), summary="One unit")
def get_unit(request: HttpRequest, code: str):
    unit = selectors.unit_for(request.auth, code)
    if unit is None:
        raise HttpError(404, _("Unknown unit."))
    return unit


@router.get(
    "/jurisdictions",
    response=responses(dict[str, Any], 404),
    summary="Jurisdictions as a GeoJSON FeatureCollection",
)
def jurisdictions(request: HttpRequest, unit: str | None = None):
    if unit and selectors.unit_for(request.auth, unit) is None:
        raise HttpError(404, _("Unknown unit."))
    return selectors.jurisdictions_geojson(request.auth, under=unit)


@router.get("/locate", response=responses(LocateOut), summary="Whose jurisdiction is this point?")
def locate(request: HttpRequest, point: Query[LocateQuery]):
    unit = locate_unit(point.lon, point.lat)
    if unit is None:
        return LocateOut(inside=False)
    return LocateOut(
        inside=True, code=unit.code, name=unit.name, name_en=unit.name_en, kind=unit.kind
    )


@router.get(
    "/places",
    response=responses(dict[str, Any]),
    summary="Named places as GeoJSON points: labels, or a search",
)
def named_places(request: HttpRequest, q: str = ""):
    """Without `q`, every unit headquarters (the maps' labels). With it, the units whose
    name holds every word, then the addresses recorded in the caller's scope."""
    if not q.strip():
        return places.feature_collection(places.unit_places())
    return places.feature_collection(places.search(request.auth, q, public=False))
