"""Demo incidents: two years for the demo province, with daily and weekly rhythms, a few
persistent hotspots and one recent surge, plus patrol units for every station.

Built with numpy and bulk_create so the whole history loads in seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import h3
import numpy as np
import shapely
from django.db import transaction
from django.utils import timezone

from kalantar.core import bulk
from kalantar.core.jalali import tehran_today
from kalantar.incidents import categories, counts, outcomes, projection, services
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.models import Incident, PatrolUnit
from kalantar.incidents.services import H3_RESOLUTION, reserve_numbers
from kalantar.org.models import Unit
from kalantar.org.selectors import province_ids

DAYS = 730
SEED = 1405
# Relative frequency of each category in the demo.
MIX = {
    "snatching": 10, "theft-from-vehicle": 9, "home-burglary": 7, "shop-burglary": 5,
    "vehicle-theft": 4, "fraud": 8, "assault": 8, "threat": 4, "harassment": 5,
    "noise": 6, "traffic-accident": 12, "traffic-violation": 6, "public-disorder": 3,
    "lost-documents": 3, "missing-person": 1, "public-hazard": 2, "alarm-burglary": 4, "other": 3,
}  # fmt: skip
# Share of incidents by hour of day (Tehran): quiet before dawn, busiest in the evening.
HOURLY = np.array(
    [2, 1.5, 1, 0.8, 0.7, 0.8, 1.5, 2.5, 3.5, 4, 4.2, 4.5,
     4.6, 4.4, 4.3, 4.6, 5, 5.6, 6.2, 6.6, 6.4, 5.5, 4.2, 3],
)  # fmt: skip
# Saturday … Friday: busier towards the weekend (Thursday evening and Friday).
WEEKLY = np.array([1.0, 0.95, 0.95, 1.0, 1.05, 1.2, 1.15])
SURGE_STATION, SURGE_CATEGORY, SURGE_DAYS = "HM01K01", "snatching", 24
UNIT_KINDS = ("car", "car", "motorbike", "foot", "camera_car")


def load(progress: Callable[[str], None] = lambda msg: None) -> None:
    rng = np.random.default_rng(SEED)
    stations = list(
        Unit.objects.filter(kind__in=Unit.STATION_KINDS, jurisdiction__isnull=False)
        .select_related("jurisdiction")
        .order_by("code")
    )
    # Complaints accepted by the demo may have made incidents already; units mark our run.
    if not stations or PatrolUnit.objects.exists():
        return
    _patrol_units(stations, rng)
    progress(f"{PatrolUnit.objects.count()} patrol units")
    n = _history(stations, rng)
    progress(f"{n:,} demo incidents over two years")
    _today(stations)


def _patrol_units(stations: list[Unit], rng) -> None:
    units = []
    now = timezone.now()
    for station in stations:
        count = 4 if station.kind == Unit.Kind.KALANTARI else 2
        lon0, lat0 = _hq(station)
        for i in range(count):
            units.append(
                PatrolUnit(
                    station=station,
                    call_sign=f"{station.code[-3:]}-{i + 1}",
                    kind=UNIT_KINDS[i % len(UNIT_KINDS)],
                    status=PatrolUnit.Status.OFF_DUTY
                    if i == count - 1
                    else PatrolUnit.Status.AVAILABLE,
                    last_lon=lon0 + rng.normal(0, 0.01),
                    last_lat=lat0 + rng.normal(0, 0.008),
                    last_seen_at=now - timedelta(minutes=int(rng.integers(1, 40))),
                )
            )
    PatrolUnit.objects.bulk_create(units)


def _hq(station: Unit) -> tuple[float, float]:
    if station.hq_lon is not None and station.hq_lat is not None:
        return station.hq_lon, station.hq_lat
    point = shapely.geometry.shape(station.jurisdiction.geometry).representative_point()
    return point.x, point.y


def _points(geometry, count: int, rng, centre=None, spread=0.0) -> tuple[np.ndarray, np.ndarray]:
    """Random points inside the geometry: uniform, or around `centre` (degrees of spread)."""
    geom = geometry if hasattr(geometry, "geom_type") else shapely.geometry.shape(geometry)
    shapely.prepare(geom)
    minx, miny, maxx, maxy = geom.bounds
    xs, ys = [], []
    need = count
    while need > 0:
        batch = max(need * 3, 64)
        if centre is None:
            x = rng.uniform(minx, maxx, batch)
            y = rng.uniform(miny, maxy, batch)
        else:
            x = rng.normal(centre[0], spread, batch)
            y = rng.normal(centre[1], spread * 0.8, batch)
        inside = shapely.contains_xy(geom, x, y)
        xs.append(x[inside][:need])
        ys.append(y[inside][:need])
        need -= int(inside.sum()) if inside.sum() < need else need
    return np.concatenate(xs)[:count], np.concatenate(ys)[:count]


class _Calendar(NamedTuple):
    """The days of the demo history and what every station's incidents are drawn from."""

    today: date
    days: list[date]
    day_index: np.ndarray
    weekday: np.ndarray  # Saturday = 0
    season: np.ndarray
    codes: list[str]
    weights: np.ndarray
    hour_p: np.ndarray
    offset: timedelta
    now: datetime

    @classmethod
    def build(cls) -> _Calendar:
        today = tehran_today()
        first = today - timedelta(days=DAYS)
        codes = list(MIX)
        weights = np.array([MIX[c] for c in codes], dtype=float)
        day_index = np.arange(DAYS + 1)
        days = [first + timedelta(days=int(d)) for d in day_index]
        return cls(
            today=today,
            days=days,
            day_index=day_index,
            weekday=np.array([(d.weekday() - 5) % 7 for d in days]),
            season=1 + 0.15 * np.sin(2 * np.pi * day_index / 365.0),
            codes=codes,
            weights=weights / weights.sum(),
            hour_p=HOURLY / HOURLY.sum(),
            # Tehran is UTC+03:30; demo times are built in local time and shifted.
            offset=timedelta(hours=3, minutes=30),
            now=timezone.now(),
        )


def _history(stations: list[Unit], rng) -> int:
    calendar = _Calendar.build()
    hotspots = _hotspot_stations(stations)
    rows: list[tuple] = []
    for station in stations:
        rows += _station_rows(station, calendar, rng, hotspot=station.code in hotspots)
    _store(rows)
    return len(rows)


def _hotspot_stations(stations: list[Unit]) -> set[str]:
    """About four kalantaris, and the demo chief's own station, with a persistent hotspot."""
    codes = {s.code for s in stations if s.kind == Unit.Kind.KALANTARI}
    chosen = set(sorted(codes)[:: max(1, len(codes) // 4)])
    chosen.add(SURGE_STATION)
    return chosen


def _station_rows(station: Unit, calendar: _Calendar, rng, *, hotspot: bool) -> list[tuple]:
    """One station's closed incidents over the history, in the order of COLUMNS."""
    base = 2.0 if station.kind == Unit.Kind.KALANTARI else 0.6
    per_day = rng.poisson(base * WEEKLY[calendar.weekday] * calendar.season)
    total = int(per_day.sum())
    if total == 0:
        return []
    geometry = station.jurisdiction.geometry
    lon, lat = _points(geometry, total, rng)
    if hotspot:
        lon, lat = _with_hotspot(geometry, lon, lat, total, rng)
    codes = calendar.codes
    cats = rng.choice(len(codes), size=total, p=calendar.weights)
    hours = rng.choice(24, size=total, p=calendar.hour_p)
    minutes = rng.integers(0, 60, size=total)
    response = rng.gamma(3.0, 3.0, size=total) + 2  # minutes to the scene
    day_of = np.repeat(calendar.day_index, per_day)
    rows = []
    for j in range(total):
        day = calendar.days[day_of[j]]
        local = datetime(day.year, day.month, day.day, int(hours[j]), int(minutes[j]))
        occurred = (local - calendar.offset).replace(tzinfo=UTC)
        if occurred > calendar.now - timedelta(hours=2):
            continue
        rows.append(_incident(station, codes[cats[j]], lon[j], lat[j], occurred, response[j]))
    if station.code == SURGE_STATION:
        rows += _surge(station, geometry, rng, calendar.today, calendar.offset)
    return rows


def _with_hotspot(geometry, lon, lat, total: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """A persistent hotspot: two fifths of the station's incidents moved around one place."""
    k = total * 2 // 5
    shape = shapely.geometry.shape(geometry)
    inner = shape.buffer(
        -0.2 * min(shape.bounds[2] - shape.bounds[0], shape.bounds[3] - shape.bounds[1])
    )
    centre = _points(inner if not inner.is_empty else shape, 1, rng)
    centre = (float(centre[0][0]), float(centre[1][0]))
    minx, miny, maxx, maxy = shape.bounds
    spread = min(0.003, 0.07 * min(maxx - minx, maxy - miny))  # tighter in small areas
    lon[:k], lat[:k] = _points(geometry, k, rng, centre=centre, spread=spread)
    rng.shuffle(idx := np.arange(total))
    return lon[idx], lat[idx]


def _store(rows: list[tuple]) -> None:
    """Insert the rows in bulk, numbered, and add them to the counts in the same transaction."""
    numbers = reserve_numbers(len(rows))
    created = timezone.now()
    station = COLUMNS.index("station_id")
    provinces = province_ids(row[station] for row in rows)
    with transaction.atomic():
        bulk.insert(
            Incident._meta.db_table,
            (*COLUMNS, "number", "created_at", "province_id"),
            (
                (*row, number, created, provinces[row[station]])
                for row, number in zip(rows, numbers, strict=True)
            ),
        )
        column = dict(zip(COLUMNS, zip(*rows, strict=True), strict=True)) if rows else {}
        added = projection.Rows(
            np.array(column.get("station_id", ()), dtype=np.int64),
            np.array(column.get("day", ()), dtype="datetime64[D]"),
            list(column.get("category", ())),
            list(column.get("h3_cell", ())),
            np.array([s == Incident.Status.CLOSED for s in column.get("status", ())], dtype=bool),
        )
        projection.record(projection.Change(removed=projection.Rows.empty(), added=added))


COLUMNS = (
    "source", "category", "priority", "station_id", "lon", "lat", "h3_cell", "occurred_at",
    "day", "received_at", "dispatched_at", "on_scene_at", "cleared_at", "status", "outcome",
    "narrative", "alarm_ref",
)  # fmt: skip


def _incident(station, category, lon, lat, occurred, response_minutes) -> tuple:
    """One closed incident's values, in the order of COLUMNS."""
    received = occurred + timedelta(minutes=3)
    on_scene = received + timedelta(minutes=float(response_minutes))
    lon, lat = float(lon), float(lat)
    return (
        Incident.Source.CALL_110, category, categories.default_priority(category), station.pk,
        lon, lat, h3.latlng_to_cell(lat, lon, H3_RESOLUTION), occurred,
        counts.local_day(occurred), received, received + timedelta(minutes=1.5), on_scene,
        on_scene + timedelta(minutes=35), Incident.Status.CLOSED, outcomes.HANDLED, "", "",
    )  # fmt: skip


def _surge(station, geometry, rng, today, offset) -> list[tuple]:
    """Snatching triples at one station over the last weeks, around one street."""
    rows = []
    lon0, lat0 = _hq(station)
    for back in range(1, SURGE_DAYS + 1):
        day = today - timedelta(days=back)
        n = int(rng.poisson(2.2))
        if not n:
            continue
        lon, lat = _points(geometry, n, rng, centre=(lon0 + 0.004, lat0 - 0.003), spread=0.002)
        for j in range(n):
            local = datetime(
                day.year, day.month, day.day, int(rng.integers(16, 23)), int(rng.integers(60))
            )
            occurred = (local - offset).replace(tzinfo=UTC)
            rows.append(
                _incident(
                    station, SURGE_CATEGORY, lon[j], lat[j], occurred, rng.gamma(3.0, 3.0) + 2
                )
            )
    return rows


def _today(stations: list[Unit]) -> None:
    """A few open incidents at the demo dispatcher's station, one with a unit on its way."""
    station = next((s for s in stations if s.code == SURGE_STATION), stations[0])
    lon0, lat0 = _hq(station)
    now = timezone.now()
    opened = []
    for i, (category, minutes) in enumerate(
        (("traffic-accident", 25), ("snatching", 12), ("noise", 6))
    ):
        opened.append(
            services.open_incident(
                by=None,
                report=IncidentReport(
                    source=Incident.Source.CALL_110,
                    category=category,
                    lon=lon0 + 0.003 * (i + 1),
                    lat=lat0 - 0.002 * i,
                    occurred_at=now - timedelta(minutes=minutes + 3),
                    received_at=now - timedelta(minutes=minutes),
                    priority=None,
                ),
                station=station,
            )
        )
    unit = PatrolUnit.objects.filter(station=station, status=PatrolUnit.Status.AVAILABLE).first()
    if unit is not None:
        services.dispatch_unit(
            by=None, incident=opened[0], unit=unit, at=now - timedelta(minutes=20)
        )
