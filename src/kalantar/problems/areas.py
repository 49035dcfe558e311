"""The area of a problem as a set of H3 cells at one resolution, and the ring around it.

Everything is brought to resolution 9 (the resolution incidents are indexed at), so that
"in the area" is a set lookup and the buffer ring is the grid disk minus the area.
"""

from __future__ import annotations

from collections.abc import Iterable

import h3

RESOLUTION = 9
COARSEST = 6  # a resolution-6 cell is ~36 km²: 343 cells at resolution 9
# Three rings of resolution-9 cells (edge ~174 m) make a buffer of about half a kilometre.
RING_K = 3


class AreaError(ValueError):
    pass


def valid_cells(cells: Iterable[str]) -> list[str]:
    """The distinct valid cells given, in order; raises AreaError naming a bad one."""
    seen: dict[str, None] = {}
    for raw in cells:
        cell = str(raw).strip().lower()
        if not cell:
            continue
        if not h3.is_valid_cell(cell):
            raise AreaError(cell)
        if h3.get_resolution(cell) < COARSEST:
            raise AreaError(cell)
        seen[cell] = None
    return list(seen)


def to_resolution(cells: Iterable[str], res: int = RESOLUTION) -> set[str]:
    out: set[str] = set()
    for cell in cells:
        r = h3.get_resolution(cell)
        if r == res:
            out.add(cell)
        elif r < res:
            out.update(h3.cell_to_children(cell, res))
        else:
            out.add(h3.cell_to_parent(cell, res))
    return out


def cells_of_geometry(geometry: dict, res: int = RESOLUTION) -> set[str]:
    """The cells whose centres lie in a GeoJSON Polygon or MultiPolygon (lon/lat)."""
    return set(h3.geo_to_cells(geometry, res))


def ring(area: set[str], k: int = RING_K) -> set[str]:
    """The cells within `k` steps of the area that are not in it."""
    # Only cells on the area's edge can reach outside it: a jurisdiction of thousands of
    # cells has a few hundred of those.
    edge = [c for c in area if any(n not in area for n in h3.grid_ring(c, 1))]
    around: set[str] = set()
    for cell in edge:
        around.update(h3.grid_disk(cell, k))
    return around - area
