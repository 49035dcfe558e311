"""The figures an analysis needs, from incident rows. Pure: no database.

Hours and weekdays are Tehran local time, the week starting on Saturday.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import h3

from kalantar.core.jalali import TEHRAN

# Resolution 11 cells have ~25 m edges: incidents in one are, in practice, one address.
ADDRESS_RESOLUTION = 11


@dataclass(frozen=True)
class Row:
    occurred_at: datetime
    lat: float
    lon: float
    h3_cell: str


@dataclass
class Figures:
    total: int = 0
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    by_weekday: list[int] = field(default_factory=lambda: [0] * 7)  # 0 = Saturday
    top_cells: list[tuple[str, int]] = field(default_factory=list)
    repeat_places: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "by_hour": self.by_hour,
            "by_weekday": self.by_weekday,
            "top_cells": [
                {
                    "cell": c,
                    "count": n,
                    "lat": h3.cell_to_latlng(c)[0],
                    "lon": h3.cell_to_latlng(c)[1],
                }
                for c, n in self.top_cells
            ],
            "repeat_places": [{"cell": c, "count": n} for c, n in self.repeat_places],
        }


def compute(rows: Iterable[Row], *, top: int = 10) -> Figures:
    figures = Figures()
    cells: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for row in rows:
        local = row.occurred_at.astimezone(TEHRAN)
        figures.total += 1
        figures.by_hour[local.hour] += 1
        figures.by_weekday[(local.weekday() + 2) % 7] += 1  # Monday 0 → Saturday 0
        if row.h3_cell:
            cells[row.h3_cell] += 1
        places[h3.latlng_to_cell(row.lat, row.lon, ADDRESS_RESOLUTION)] += 1
    figures.top_cells = cells.most_common(top)
    figures.repeat_places = [(c, n) for c, n in places.most_common(top) if n >= 2]
    return figures
