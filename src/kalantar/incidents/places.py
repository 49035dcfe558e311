"""Names a person recognises for H3 cells: the nearest place recorded in the system.

Hotspot and analysis pages count incidents by H3 cell; a cell id ("892cab380c3ffff") tells a
station nothing. The name of a cell is the nearest place of an incident that complainants
wrote down (a street, an alley, a landmark) within a few hundred metres, else the station
whose jurisdiction holds it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import h3

from kalantar.complaints.selectors import complaints_for
from kalantar.org.geo_cache import get_index
from kalantar.org.models import Unit

# A recorded place this close to a cell's centre names it; one up to FAR_METRES away names it
# as "near …"; farther ones do not name it.
NEAR_METRES = 400
FAR_METRES = 1500
# At most this many recorded places are read for one page's cells.
MAX_PLACES = 20000
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class CellPlace:
    cell: str
    lat: float
    lon: float
    name: str  # "" when nothing near is known
    near: bool  # the name is of a place up to FAR_METRES away, not in the cell itself
    station: object | None  # the Unit whose jurisdiction holds the cell, if any


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    # An equirectangular approximation: exact enough within a few hundred metres.
    x = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(x, lat2 - lat1) * _METRES_PER_DEGREE


def nearest_name(
    lat: float, lon: float, places: list[tuple[float, float, str]]
) -> tuple[str, float]:
    """The recorded place nearest to (lat, lon) within FAR_METRES and its distance, or ("", inf)."""
    best, best_d = "", math.inf
    for p_lat, p_lon, text in places:
        d = _distance_m(lat, lon, p_lat, p_lon)
        if d <= FAR_METRES and d < best_d:
            best, best_d = text, d
    return best, best_d


def _recorded_places(user, centres: list[tuple[float, float]]) -> list[tuple[float, float, str]]:
    """Places of incidents written in the complaints the user may see, around the centres."""
    margin = FAR_METRES / _METRES_PER_DEGREE
    lats = [c[0] for c in centres]
    lons = [c[1] for c in centres]
    lon_margin = margin / max(math.cos(math.radians(max(abs(x) for x in lats))), 0.1)
    rows = (
        complaints_for(user)
        .exclude(location_text="")
        .filter(
            lat__gte=min(lats) - margin,
            lat__lte=max(lats) + margin,
            lon__gte=min(lons) - lon_margin,
            lon__lte=max(lons) + lon_margin,
        )
        .order_by()
        .values_list("lat", "lon", "location_text")[:MAX_PLACES]
    )
    return [(lat, lon, text) for lat, lon, text in rows]


def cell_places(user, cells: list[str]) -> dict[str, CellPlace]:
    """A CellPlace for each valid cell, from one read of the recorded places."""
    centres = {c: h3.cell_to_latlng(c) for c in dict.fromkeys(cells) if h3.is_valid_cell(c)}
    if not centres:
        return {}
    places = _recorded_places(user, list(centres.values()))
    index = get_index()
    codes = {
        c: index.locate(lon, lat) if index is not None else None
        for c, (lat, lon) in centres.items()
    }
    units = Unit.objects.in_bulk([code for code in codes.values() if code], field_name="code")
    named = {c: nearest_name(lat, lon, places) for c, (lat, lon) in centres.items()}
    return {
        c: CellPlace(
            cell=c,
            lat=lat,
            lon=lon,
            name=named[c][0],
            near=named[c][1] > NEAR_METRES,
            station=units.get(codes[c]),
        )
        for c, (lat, lon) in centres.items()
    }
