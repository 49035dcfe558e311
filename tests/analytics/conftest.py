"""Analytics fixtures: a seeded history of incidents loaded through the importer, and the
raw rows kept aside so tests can count them independently."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kalantar.incidents.importer import import_text

TEHRAN = ZoneInfo("Asia/Tehran")
STATION_BOXES = {
    "HM01K01": (48.5, 34.8),
    "HM01K02": (48.6, 34.8),
    "HM02K01": (48.8, 34.2),
}
CATEGORIES = ("snatching", "home-burglary", "fraud", "assault")


@dataclass(frozen=True)
class RawIncident:
    station: str
    category: str
    at: datetime
    lon: float
    lat: float

    @property
    def local_day(self) -> date:
        return self.at.astimezone(TEHRAN).date()


def make_history(seed: int, start: date, end: date, per_day: float = 2.0) -> list[RawIncident]:
    rng = random.Random(seed)
    rows = []
    day = start
    while day <= end:
        for station, (lon0, lat0) in STATION_BOXES.items():
            for _ in range(rng.choice((0, 1, 2, 2, 3)) if per_day else 0):
                at = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                    minutes=rng.randrange(24 * 60)
                )
                rows.append(
                    RawIncident(
                        station,
                        rng.choice(CATEGORIES),
                        at,
                        lon0 + rng.uniform(0.005, 0.095),
                        lat0 + rng.uniform(0.005, 0.095),
                    )
                )
        day += timedelta(days=1)
    return rows


def to_csv(rows: list[RawIncident]) -> str:
    lines = ["occurred_at,category,lat,lon"]
    lines += [f"{r.at.isoformat()},{r.category},{r.lat:.6f},{r.lon:.6f}" for r in rows]
    return "\n".join(lines) + "\n"


@pytest.fixture
def history(org_tree):
    rows = make_history(7, date(2023, 3, 1), date(2025, 3, 5))
    import_text(to_csv(rows))
    return rows
