"""Points and distances on the Earth's surface. Pure: no database."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088


def valid_point(lon: object, lat: object) -> bool:
    """A longitude and a latitude that are finite numbers within their ranges."""
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        return False
    return math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km (a straight line is what a patrol's ETA assumes)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
