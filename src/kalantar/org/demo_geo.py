"""Demo geography of Hamadan province (استان همدان): counties, stations, outposts, jurisdictions.

Everything here is demo data. County seats and village positions are close to the real places,
but every boundary is made up: the province outline is a rough hand-drawn polygon, county
regions are Voronoi cells of the county seats, and each jurisdiction is the Voronoi cell of
its station or outpost among the others of its county. None of it is an official boundary.

The build is pure and deterministic (no randomness, no I/O): the same call gives the same
geometry, coordinates rounded to 6 decimals, and the jurisdictions tile the outline with no
overlaps and no gaps.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import shapely
from shapely.affinity import scale
from shapely.geometry import MultiPoint, MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from kalantar.core.persian import to_persian_digits

DEMO_NOTICE_FA = "داده‌های نمایشی: مرزها و موقعیت‌ها تقریبی‌اند و رسمی نیستند."
DEMO_NOTICE_EN = "Demo data: boundaries and locations are approximate, not official."

KALANTARI = "kalantari"
PASGAH = "pasgah"

DECIMALS = 6
_GRID = 10.0**-DECIMALS
_KM_PER_DEGREE = 111.195
# Golden angle: successive stations on a spiral never line up, so a city's stations spread
# evenly around its centre without any randomness.
_GOLDEN_ANGLE = math.pi * (3.0 - math.sqrt(5.0))

Geometry = Polygon | MultiPolygon

# A rough outline of the province (lon, lat), clockwise from the north-west. About 20,000 km²
# against the real 19,500; the shape follows the real one only loosely.
_OUTLINE: tuple[tuple[float, float], ...] = (
    (48.20, 35.56), (48.45, 35.66), (48.70, 35.73), (48.92, 35.69), (49.10, 35.59),
    (49.27, 35.53), (49.40, 35.45), (49.46, 35.30), (49.37, 35.14), (49.26, 34.98),
    (49.19, 34.80), (49.13, 34.63), (49.20, 34.45), (49.16, 34.26), (49.05, 34.12),
    (48.90, 34.04), (48.72, 34.07), (48.52, 34.02), (48.30, 33.99), (48.12, 34.06),
    (48.02, 34.20), (48.02, 34.38), (48.04, 34.52), (47.92, 34.61), (47.78, 34.71),
    (47.73, 34.85), (47.85, 34.97), (48.00, 35.07), (48.04, 35.27), (48.07, 35.44),
)  # fmt: skip


@dataclass(frozen=True)
class _Place:
    name_fa: str
    name_en: str
    lon: float
    lat: float


@dataclass(frozen=True)
class _CountySpec:
    name_fa: str
    name_en: str
    seat: _Place
    # One entry per urban station, numbered from 11 in order; an entry is an optional
    # honorific (Persian, English) carried in the station's name.
    stations: tuple[tuple[str, str] | None, ...]
    spread_km: float  # how far from the seat the headquarters of several stations reach
    outposts: tuple[_Place, ...]


def _plain(count: int) -> tuple[None, ...]:
    return (None,) * count


# County seats and villages: positions of the real places, to about a kilometre (the seat of
# Dargazin, Qorveh-e Darjazin, and a few villages only to a few kilometres). Some real villages
# of a county are left out because they fall outside its Voronoi cell.
_COUNTIES: tuple[_CountySpec, ...] = (
    _CountySpec(
        "همدان", "Hamadan", _Place("همدان", "Hamadan", 48.5231, 34.8006),
        (
            None, None, ("شهید مدنی", "Shahid Madani"), ("بوعلی", "Bu Ali"), None,
            ("شهید مفتح", "Shahid Mofatteh"), None, ("اکباتان", "Ekbatan"), None,
            ("باباطاهر", "Baba Taher"), None, None,
        ),
        4.0,
        (
            _Place("مریانج", "Maryanaj", 48.4616, 34.8339),
            _Place("جورقان", "Juraqan", 48.5574, 34.8840),
        ),
    ),
    _CountySpec(
        "ملایر", "Malayer", _Place("ملایر", "Malayer", 48.8197, 34.2848),
        _plain(4),
        2.5,
        (
            _Place("جوکار", "Jowkar", 48.6906, 34.4231),
            _Place("سامن", "Samen", 48.7071, 34.2042),
            _Place("اسلامشهر آق‌گل", "Eslamshahr-e Aqgol", 48.9872, 34.5657),
        ),
    ),
    _CountySpec(
        "نهاوند", "Nahavand", _Place("نهاوند", "Nahavand", 48.3720, 34.1804),
        _plain(3),
        2.0,
        (
            _Place("فیروزان", "Firuzan", 48.1152, 34.3585),
            _Place("گیان", "Giyan", 48.2443, 34.1713),
            _Place("برزول", "Barzul", 48.2608, 34.2122),
        ),
    ),
    _CountySpec(
        "تویسرکان", "Tuyserkan", _Place("تویسرکان", "Tuyserkan", 48.4455, 34.5508),
        _plain(2),
        1.5,
        (
            _Place("فرسفج", "Farsfaj", 48.2873, 34.4870),
            _Place("سرکان", "Sarkan", 48.4500, 34.6000),
        ),
    ),
    _CountySpec(
        "اسدآباد", "Asadabad", _Place("اسدآباد", "Asadabad", 48.1234, 34.7798),
        _plain(2),
        1.5,
        (
            _Place("آجین", "Ajin", 47.9264, 34.7341),
            _Place("پیرسلمان", "Pir Salman", 48.0300, 34.6800),
        ),
    ),
    _CountySpec(
        "بهار", "Bahar", _Place("بهار", "Bahar", 48.4420, 34.9066),
        _plain(1),
        0.0,
        (
            _Place("لالجین", "Lalejin", 48.4805, 34.9752),
            _Place("صالح‌آباد", "Salehabad", 48.3400, 35.0500),
        ),
    ),
    _CountySpec(
        "کبودرآهنگ", "Kabudarahang", _Place("کبودرآهنگ", "Kabudarahang", 48.7236, 35.2078),
        _plain(1),
        0.0,
        (
            _Place("شیرین‌سو", "Shirin Su", 48.4571, 35.4879),
            _Place("علیصدر", "Ali Sadr", 48.3000, 35.3000),
        ),
    ),
    _CountySpec(
        "رزن", "Razan", _Place("رزن", "Razan", 49.0312, 35.3827),
        _plain(1),
        0.0,
        (_Place("دمق", "Damaq", 48.8334, 35.4476),),
    ),
    _CountySpec(
        "فامنین", "Famenin", _Place("فامنین", "Famenin", 48.9831, 35.1146),
        _plain(1),
        0.0,
        (_Place("تجرک", "Tajarak", 49.2200, 35.0600),),
    ),
    _CountySpec(
        "درگزین", "Dargazin", _Place("قروه درجزین", "Qorveh-e Darjazin", 49.1050, 35.3150),
        _plain(1),
        0.0,
        (
            _Place("شاوند", "Shavand", 49.2900, 35.3600),
            _Place("کج", "Kaj", 49.1800, 35.2800),
        ),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Province:
    code: str
    name_fa: str
    name_en: str
    outline: Polygon


@dataclass(frozen=True)
class County:
    """A county police command (فرماندهی انتظامی شهرستان) and its demo region."""

    code: str
    name_fa: str
    name_en: str
    seat_name_fa: str
    seat_name_en: str
    seat_lon: float
    seat_lat: float
    region: Geometry


@dataclass(frozen=True)
class Station:
    """A station (کلانتری) or outpost (پاسگاه) with its demo jurisdiction."""

    code: str
    name_fa: str
    name_en: str
    kind: str  # KALANTARI or PASGAH
    parent: str  # code of the county command
    hq_lon: float
    hq_lat: float
    jurisdiction: Geometry


class _Draft(NamedTuple):
    """A station before its jurisdiction is drawn."""

    code: str
    name_fa: str
    name_en: str
    kind: str
    parent: str
    hq_lon: float
    hq_lat: float


@dataclass(frozen=True)
class DemoGeography:
    province: Province
    counties: list[County]
    stations: list[Station]

    def to_feature_collection(self) -> dict[str, Any]:
        """The stations' jurisdictions as GeoJSON, in the jurisdictions import format."""
        return {
            "type": "FeatureCollection",
            "name": f"Kalantar demo geography: {self.province.name_en} province (approximate)",
            "description": DEMO_NOTICE_EN,
            "description_fa": DEMO_NOTICE_FA,
            "features": [_feature(station) for station in self.stations],
        }


def build_demo_geography() -> DemoGeography:
    outline = Polygon(_OUTLINE)
    seats = [(spec.seat.lon, spec.seat.lat) for spec in _COUNTIES]
    regions = _voronoi_cells(seats, outline)
    drafts: list[_Draft] = []
    cells: list[BaseGeometry] = []
    for number, (spec, region) in enumerate(zip(_COUNTIES, regions, strict=True), start=1):
        county_drafts = _county_stations(f"HM{number:02d}", spec)
        drafts += county_drafts
        cells += _voronoi_cells([(d.hq_lon, d.hq_lat) for d in county_drafts], region)
    stations = [
        Station(**draft._asdict(), jurisdiction=jurisdiction)
        for draft, jurisdiction in zip(drafts, _snap_coverage(cells), strict=True)
    ]
    counties = [
        _county(f"HM{number:02d}", spec, stations) for number, spec in enumerate(_COUNTIES, start=1)
    ]
    province = Province("HM", "همدان", "Hamadan", outline)
    return DemoGeography(province=province, counties=counties, stations=stations)


def _county(code: str, spec: _CountySpec, stations: list[Station]) -> County:
    # The region is the union of its snapped jurisdictions, so counties tile exactly too.
    parts = [s.jurisdiction for s in stations if s.parent == code]
    return County(
        code=code,
        name_fa=spec.name_fa,
        name_en=spec.name_en,
        seat_name_fa=spec.seat.name_fa,
        seat_name_en=spec.seat.name_en,
        seat_lon=spec.seat.lon,
        seat_lat=spec.seat.lat,
        region=_finish(shapely.union_all(parts)),
    )


def _county_stations(county_code: str, spec: _CountySpec) -> list[_Draft]:
    """A county's urban stations (numbered from 11, as in Iranian cities), then its outposts."""
    rows: list[_Draft] = []
    seat = spec.seat
    points = _spiral(seat.lon, seat.lat, len(spec.stations), spec.spread_km)
    for index, (honorific, (lon, lat)) in enumerate(zip(spec.stations, points, strict=True)):
        number = 11 + index
        fa = f"کلانتری {to_persian_digits(number)}"
        en = f"Police Station {number}"
        if honorific is not None:
            fa += f" {honorific[0]}"
            en += f" ({honorific[1]})"
        rows.append(
            _Draft(
                f"{county_code}K{index + 1:02d}",
                f"{fa} {seat.name_fa}",
                f"{en}, {seat.name_en}",
                KALANTARI,
                county_code,
                lon,
                lat,
            )
        )
    for index, place in enumerate(spec.outposts, start=1):
        rows.append(
            _Draft(
                f"{county_code}P{index:02d}",
                f"پاسگاه انتظامی {place.name_fa}",
                f"{place.name_en} Police Outpost",
                PASGAH,
                county_code,
                place.lon,
                place.lat,
            )
        )
    return rows


def _spiral(lon: float, lat: float, count: int, spread_km: float) -> list[tuple[float, float]]:
    """`count` points within `spread_km` of (lon, lat) on a golden-angle spiral, rounded."""
    if count == 1:
        return [(lon, lat)]
    deg_lat = 1.0 / _KM_PER_DEGREE
    deg_lon = deg_lat / math.cos(math.radians(lat))
    points = []
    for i in range(count):
        radius = spread_km * math.sqrt((i + 0.5) / count)
        angle = i * _GOLDEN_ANGLE
        points.append(
            (
                round(lon + radius * math.cos(angle) * deg_lon, DECIMALS),
                round(lat + radius * math.sin(angle) * deg_lat, DECIMALS),
            )
        )
    return points


def _voronoi_cells(points: Sequence[tuple[float, float]], clip: BaseGeometry) -> list[BaseGeometry]:
    """Voronoi cells of `points`, in their order, clipped to `clip`.

    Distances are measured with longitude scaled by cos(latitude), so a cell is the area
    nearest its point on the ground, not in raw degrees (a degree of longitude is ~18% shorter
    here than a degree of latitude).
    """
    if len(points) == 1:
        return [clip]
    k = math.cos(math.radians(clip.centroid.y))
    sites = MultiPoint([(x * k, y) for x, y in points])
    frame = scale(clip, k, 1.0, origin=(0, 0)).envelope.buffer(1.0)
    cells = list(shapely.voronoi_polygons(sites, extend_to=frame).geoms)
    # Match cells to points by containment (`ordered=True` would need shapely 2.1).
    ordered = [next(c for c in cells if c.contains(site)) for site in sites.geoms]
    return [scale(cell, 1.0 / k, 1.0, origin=(0, 0)).intersection(clip) for cell in ordered]


def _snap_coverage(cells: list[BaseGeometry]) -> list[Geometry]:
    """Round a coverage to the 6-decimal grid without letting neighbours overlap or part.

    Rounding each cell alone would move a vertex lying on a neighbour's edge (a T-junction,
    common along county borders) off that edge and leave slivers. So all edges are noded
    together on the grid, the faces rebuilt, and each face returned to the cell it came from.
    """
    edges = shapely.union_all([cell.boundary for cell in cells], grid_size=_GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(edges).tolist()))
    tree = shapely.STRtree(cells)
    owned: list[list[BaseGeometry]] = [[] for _ in cells]
    for face in faces:
        candidates = tree.query(face, predicate="intersects").tolist()
        owner = max(candidates, key=lambda i: cells[i].intersection(face).area)
        owned[owner].append(face)
    return [_finish(shapely.union_all(parts)) for parts in owned]


def _finish(geometry: BaseGeometry) -> Geometry:
    """Round to the grid; keep it valid and polygonal."""
    rounded = shapely.transform(geometry, lambda xy: np.round(xy, DECIMALS))
    if not rounded.is_valid:
        rounded = shapely.make_valid(rounded)
    # make_valid may return a collection holding lines or points besides the polygons.
    parts = shapely.get_parts(shapely.get_parts(rounded))
    polygons = [p for p in parts if isinstance(p, Polygon) and p.area > 0]
    polygons = [orient(p) for p in polygons]  # counter-clockwise exteriors, as RFC 7946 asks
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _feature(station: Station) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "code": station.code,
            "name": station.name_fa,
            "name_en": station.name_en,
            "kind": station.kind,
            "parent": station.parent,
            "hq": [station.hq_lon, station.hq_lat],
        },
        "geometry": _as_lists(mapping(station.jurisdiction)),
    }


def _as_lists(value: Any) -> Any:
    """GeoJSON mapping with lists instead of tuples, so it equals its own JSON round trip."""
    if isinstance(value, dict):
        return {key: _as_lists(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_lists(item) for item in value]
    return value
