"""The feeling of security per neighbourhood, and where it departs from recorded incidents.

Pure: no database. A neighbourhood is an H3 cell (resolution 8, about 0.7 km²).

The share of residents who feel unsafe ("a bit" or "very") gets a Wilson score interval at
95% (a normal interval misbehaves at the small counts a neighbourhood has). A cell with fewer
answers than the portal's minimum count is suppressed. A cell shows a perception gap when
its interval lies wholly above the share of all answered cells ("feels unsafe") while its
incidents are at or below the median of the surveyed cells: visibility and communication
work; or wholly below that share while its incidents are above the median: warning work.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import h3

from kalantar.core import disclosure

Z_95 = 1.959964
RESOLUTION = 8  # a neighbourhood
# Cells with fewer answers are not shown (the product's one minimum, core.disclosure).
MIN_COUNT = disclosure.MIN_COUNT
UNSAFE = ("a_bit_unsafe", "very_unsafe")
NO_GAP, FEELS_UNSAFE, FEELS_SAFE = "", "feels_unsafe", "feels_safe"


def wilson(unsafe: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion."""
    if n == 0:
        return 0.0, 1.0
    p = unsafe / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class CellResult:
    cell: str
    answers: int
    suppressed: bool
    unsafe_share: float | None = None
    low: float | None = None
    high: float | None = None
    incidents: int = 0
    gap: str = NO_GAP


def results(
    counts: dict[str, tuple[int, int]], incidents: dict[str, int]
) -> tuple[list[CellResult], float | None]:
    """Per cell from {cell: (answers, unsafe)} and {cell: incidents}; and the overall share."""
    shown = {c: v for c, v in counts.items() if v[0] >= MIN_COUNT}
    total = sum(n for n, _u in shown.values())
    overall = sum(u for _n, u in shown.values()) / total if total else None
    median = statistics.median([incidents.get(c, 0) for c in shown]) if shown else 0
    out = []
    for cell, (n, unsafe) in sorted(counts.items()):
        if n < MIN_COUNT:
            out.append(CellResult(cell, n, True))
            continue
        low, high = wilson(unsafe, n)
        crimes = incidents.get(cell, 0)
        gap = NO_GAP
        if overall is not None and low > overall and crimes <= median:
            gap = FEELS_UNSAFE
        elif overall is not None and high < overall and crimes > median:
            gap = FEELS_SAFE
        out.append(CellResult(cell, n, False, unsafe / n, low, high, crimes, gap))
    return out, overall


def cell_polygon(cell: str) -> dict:
    """The cell's outline as a GeoJSON polygon (lon, lat), for the map."""
    ring = [[round(lng, 6), round(lat, 6)] for lat, lng in h3.cell_to_boundary(cell)]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
