"""The process-wide JurisdictionIndex built from the database, rebuilt on change.

Within a process, saving or deleting a jurisdiction drops the index at once (signals);
other processes notice through a cheap stamp query made at most every few seconds.
"""

from __future__ import annotations

import threading
import time

from django.db.models import Count, Max

from kalantar.org.geo import JurisdictionIndex
from kalantar.org.models import Jurisdiction, Unit

STAMP_CHECK_SECONDS = 5.0

_lock = threading.Lock()
_state: dict = {"index": None, "stamp": None, "checked": 0.0}


def _stamp() -> tuple:
    agg = Jurisdiction.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return agg["n"], agg["last"]


def _build() -> JurisdictionIndex | None:
    features = [
        {"type": "Feature", "properties": {"code": code}, "geometry": geometry}
        for code, geometry in Jurisdiction.objects.filter(unit__is_active=True).values_list(
            "unit__code", "geometry"
        )
    ]
    if not features:
        return None
    return JurisdictionIndex.from_geojson({"type": "FeatureCollection", "features": features})


def get_index() -> JurisdictionIndex | None:
    now = time.monotonic()
    with _lock:
        if _state["index"] is not None and now - _state["checked"] < STAMP_CHECK_SECONDS:
            return _state["index"]
        stamp = _stamp()
        if _state["index"] is None or stamp != _state["stamp"]:
            _state["index"], _state["stamp"] = _build(), stamp
        _state["checked"] = now
        return _state["index"]


def invalidate() -> None:
    with _lock:
        _state["index"] = None
        _state["stamp"] = None


def locate_unit(lon: float, lat: float) -> Unit | None:
    """The station or outpost whose jurisdiction contains the point, or None if outside."""
    index = get_index()
    code = index.locate(lon, lat) if index is not None else None
    return Unit.objects.filter(code=code).first() if code else None
