"""Scoped reads for analytics: CompStat, hotspots, surge alerts, response times.

Every function takes the user and the unit and refuses a unit the user may not see;
figures come from `DailyCount` where they can, never from scanning incidents.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta

import h3
import numpy as np
from django.db.models import Case, Count, IntegerField, Max, Sum, When

from kalantar.analytics import compstat as cs
from kalantar.analytics import surges
from kalantar.analytics.gistar import Neighbours, h3_neighbours
from kalantar.analytics.gistar import hotspots as gi_hotspots
from kalantar.analytics.models import SurgeAlert
from kalantar.core.replicas import reads_from_replica
from kalantar.core.scoping import can_see_unit
from kalantar.incidents.models import DailyCount, Incident, UnitDailyCount
from kalantar.org.models import Jurisdiction, Unit
from kalantar.org.selectors import UnitNotVisible, station_ids

MIN_RESOLUTION, MAX_RESOLUTION, DEFAULT_RESOLUTION = 6, 9, 8
STORED_RESOLUTION = 9
# A station's map with fewer cells than this at resolution 8 uses the finer resolution 9.
MIN_MAP_CELLS = 40


# -- CompStat --------------------------------------------------------------------------


def compstat(*, user, unit: Unit, day: date, trend_weeks: int = 52) -> cs.Table:
    if not can_see_unit(user, unit):
        raise UnitNotVisible(unit.code)
    return compstat_for(unit, day, trend_weeks=trend_weeks)


@reads_from_replica()
def compstat_for(unit: Unit, day: date, *, trend_weeks: int = 52) -> cs.Table:
    """CompStat from the daily counts (unscoped: callers check the user first)."""
    span = cs.needed_span(day, trend_weeks)
    if unit.is_station:
        counts = DailyCount.objects.filter(station=unit)
    else:
        # A command reads its own sums; stations below it need not be visited.
        counts = UnitDailyCount.objects.filter(unit=unit)
    rows = counts.filter(day__gte=span.start, day__lte=span.end).values_list(
        "category", "day", "count"
    )
    return cs.build(day, rows, trend_weeks=trend_weeks)


# -- Hotspots --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    h3: str
    count: int
    z: float
    p: float
    significant: bool


_area_lock = threading.Lock()
_area_cache: dict[tuple, tuple[list[str], Neighbours]] = {}


def study_area(unit: Unit, resolution: int) -> list[str]:
    """Every cell whose centre lies in one of the unit's jurisdictions, sorted."""
    return _area_and_neighbours(unit, resolution)[0]


def _area_and_neighbours(unit: Unit, resolution: int) -> tuple[list[str], Neighbours]:
    """The study area and its neighbour lists, cached until a jurisdiction changes."""
    jurisdictions = Jurisdiction.objects.filter(unit__path__startswith=unit.path)
    stamp = jurisdictions.aggregate(n=Count("id"), last=Max("updated_at"))
    key = (unit.pk, unit.path, resolution, stamp["n"], stamp["last"])
    with _area_lock:
        if key in _area_cache:
            return _area_cache[key]
    cells: set[str] = set()
    for geometry in jurisdictions.values_list("geometry", flat=True):
        # H3's polygon fill takes exactly the cells whose centre is inside.
        cells.update(h3.geo_to_cells(geometry, resolution))
    area = sorted(cells)
    entry = (area, h3_neighbours(area))
    with _area_lock:
        if len(_area_cache) > 256:
            _area_cache.clear()
        _area_cache[key] = entry
    return entry


def page_resolution(unit: Unit, requested: int | None) -> int:
    """The cell size for a map page: resolution 8 unless the unit is too small for it."""
    if requested:
        return requested
    if len(study_area(unit, DEFAULT_RESOLUTION)) < MIN_MAP_CELLS:
        return DEFAULT_RESOLUTION + 1
    return DEFAULT_RESOLUTION


@reads_from_replica()
def cell_counts(
    unit: Unit, start: date, end: date, categories: list[str] | None, resolution: int
) -> dict[str, int]:
    incidents = Incident.objects.filter(
        station_id__in=station_ids(unit), day__gte=start, day__lte=end
    )
    if categories:
        incidents = incidents.filter(category__in=categories)
    counts: dict[str, int] = {}
    for cell, n in incidents.values_list("h3_cell").annotate(n=Count("id")).order_by():
        if resolution != STORED_RESOLUTION:
            cell = h3.cell_to_parent(cell, resolution)
        counts[cell] = counts.get(cell, 0) + n
    return counts


def hotspots(
    *,
    user,
    unit: Unit,
    start: date,
    end: date,
    categories: list[str] | None = None,
    resolution: int = DEFAULT_RESOLUTION,
) -> list[Cell]:
    """Counts and Gi* over the study area; incidents whose cell centre falls outside the
    unit's jurisdictions (at borders) are outside the study area and not shown."""
    if not can_see_unit(user, unit):
        raise UnitNotVisible(unit.code)
    return hotspots_for(unit, start, end, categories, resolution)


@reads_from_replica()
def hotspots_for(
    unit: Unit, start: date, end: date, categories: list[str] | None, resolution: int
) -> list[Cell]:
    area, neighbours = _area_and_neighbours(unit, resolution)
    if not area:
        return []
    counts = cell_counts(unit, start, end, categories, resolution)
    values = np.fromiter((counts.get(c, 0) for c in area), dtype=np.float64, count=len(area))
    result = gi_hotspots(values, neighbours)
    return [
        Cell(
            cell,
            int(values[i]),
            float(result.z[i]),
            float(result.p[i]),
            bool(result.significant[i]),
        )
        for i, cell in enumerate(area)
    ]


# -- Surges and response times ---------------------------------------------------------


def window_sums(day: date, station_ids=None) -> list[tuple[int, str, int, list[int]]]:
    """(station, category, last 28 days, [the twelve 28-day periods before]) per pair."""
    window = surges.WINDOW_DAYS
    periods = surges.BASELINE_PERIODS + 1
    first = day - timedelta(days=window * periods - 1)
    annotations = {}
    for k in range(periods):
        end = day - timedelta(days=window * k)
        start = end - timedelta(days=window - 1)
        annotations[f"p{k}"] = Sum(
            Case(
                When(day__gte=start, day__lte=end, then="count"),
                default=0,
                output_field=IntegerField(),
            )
        )
    rows = DailyCount.objects.filter(day__gte=first, day__lte=day)
    if station_ids is not None:
        rows = rows.filter(station_id__in=station_ids)
    result = []
    for row in rows.values("station_id", "category").annotate(**annotations).order_by():
        counts = [row[f"p{k}"] or 0 for k in range(periods)]
        result.append((row["station_id"], row["category"], counts[0], counts[1:]))
    return result


def surge_alert_for(user, pk: int) -> SurgeAlert | None:
    """One alert of a station the user may see; None for any other."""
    return SurgeAlert.objects.visible_to(user).select_related("station").filter(pk=pk).first()


def surge_alerts(*, user, unit: Unit, day: date | None = None, status: str | None = None):
    if not can_see_unit(user, unit):
        raise UnitNotVisible(unit.code)
    alerts = SurgeAlert.objects.visible_to(user).filter(station__path__startswith=unit.path)
    if day is not None:
        alerts = alerts.filter(day=day)
    if status:
        alerts = alerts.filter(status=status)
    return alerts.select_related("station")


def yesterday_incidents(*, user, unit: Unit, day: date):
    if not can_see_unit(user, unit):
        raise UnitNotVisible(unit.code)
    return (
        Incident.objects.visible_to(user)
        .filter(station__path__startswith=unit.path, day=day)
        .select_related("station")
        .order_by("-occurred_at")
    )


def window_days(day: date, days: int) -> tuple[date, date]:
    return day - timedelta(days=days - 1), day
