"""Whose jurisdiction is this point? The one in-memory index that answers it.

Coordinates are planar (lon/lat in production); a point belongs to every jurisdiction
whose closed polygon covers it, and when several do (a shared border, a shared vertex,
or overlapping input) the lowest code in string order wins. The grid fast path, the
exact path, `locate` and `locate_many` all apply that one rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

# Grid resolution: about this many cells per jurisdiction, within these limits. More cells
# mean fewer points needing an exact test, at the price of memory (4 bytes a cell) and build.
CELLS_PER_JURISDICTION = 1024
MIN_CELLS = 4096
MAX_CELLS = 1 << 23

# Safety margin, in cell widths, added around every boundary piece before marking the cells
# it touches; it dwarfs floating-point error, so a cell never wrongly counts as interior.
_EPS = 1e-6

# Row-chunk size (cells) when rasterising interiors, to bound memory at national scale.
_CHUNK_CELLS = 1 << 21


# Why our own grid rather than a plain shapely STRtree query per point: the grid answers most
# points from a lookup table (cells wholly inside one jurisdiction) and sends only points in
# border cells to exact shapely tests, which makes it many times faster with the same answers;
# bench/georoute.py measures both side by side and checks every answer against brute force.
class JurisdictionIndex:
    """Routes points to jurisdiction codes; built once, then read-only (safe to share)."""

    def __init__(
        self,
        pairs: Iterable[tuple[str, BaseGeometry]],
        *,
        cells_per_jurisdiction: int = CELLS_PER_JURISDICTION,
    ) -> None:
        codes, geoms = _checked_pairs(pairs)
        self._codes: list[str] = codes
        self._geoms = np.empty(len(geoms), dtype=object)
        self._geoms[:] = geoms
        self._geom_list = geoms
        shapely.prepare(self._geoms)
        # Object array with None in the extra last slot, so rank n reads as "outside".
        self._code_or_none = np.array([*codes, None], dtype=object)
        minx, miny, maxx, maxy = (float(b) for b in shapely.total_bounds(self._geoms))
        self._bounds = (minx, miny, maxx, maxy)
        self._build_grid(cells_per_jurisdiction)
        self._warm_up()

    @classmethod
    def from_pairs(
        cls, pairs: Iterable[tuple[str, BaseGeometry]], **options: Any
    ) -> JurisdictionIndex:
        """Build from (code, Polygon | MultiPolygon) pairs, e.g. rows read from the database."""
        return cls(pairs, **options)

    @classmethod
    def from_geojson(cls, collection: Mapping[str, Any], **options: Any) -> JurisdictionIndex:
        """Build from a GeoJSON FeatureCollection whose features carry `properties.code`."""
        return cls(_pairs_from_geojson(collection), **options)

    # -- what the index holds ------------------------------------------------------------

    @property
    def codes(self) -> list[str]:
        """Codes in tie-break order (lowest first)."""
        return list(self._codes)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(min_x, min_y, max_x, max_y) of all jurisdictions together."""
        return self._bounds

    @property
    def grid(self) -> dict[str, float]:
        """Grid figures, for benchmarks and tuning."""
        return {
            "columns": self._nx,
            "rows": self._ny,
            "cell_size": 1.0 / self._inv_h,
            "origin_x": self._x0,
            "origin_y": self._y0,
            "boundary_cells": self._boundary_cells,
        }

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        return f"<JurisdictionIndex {len(self)} jurisdictions, grid {self._nx}×{self._ny}>"

    # -- queries --------------------------------------------------------------------------

    def locate(self, lon: float, lat: float) -> str | None:
        """Code of the jurisdiction covering (lon, lat), or None outside all (or for NaN)."""
        lon, lat = float(lon), float(lat)
        u = (lon - self._x0) * self._inv_h
        v = (lat - self._y0) * self._inv_h
        if not (0.0 <= u < self._nx and 0.0 <= v < self._ny):  # NaN fails too
            return None
        n = len(self._codes)
        value = self._table_view[int(v) * self._nx + int(u)]
        if value < n:
            return self._codes[value]
        if value == n:
            return None
        cell = value - n - 1
        for k in range(self._cand_start_view[cell], self._cand_start_view[cell + 1]):
            rank = self._cand_rank_view[k]
            if shapely.intersects_xy(self._geom_list[rank], lon, lat):
                return self._codes[rank]
        return None

    def locate_many(self, lons: Any, lats: Any) -> np.ndarray:
        """Codes for many points at once: an object array shaped like the input, None outside."""
        x = np.asarray(lons, dtype=np.float64)
        y = np.asarray(lats, dtype=np.float64)
        if x.shape != y.shape:
            raise ValueError(f"lons and lats differ in shape: {x.shape} vs {y.shape}")
        ranks = self._ranks(x.ravel(), y.ravel())
        return self._code_or_none[ranks].reshape(x.shape)

    def _ranks(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        n = len(self._codes)
        u = (x - self._x0) * self._inv_h
        v = (y - self._y0) * self._inv_h
        inside = (u >= 0.0) & (u < self._nx) & (v >= 0.0) & (v < self._ny)
        with np.errstate(invalid="ignore"):  # NaN and far-away points; masked out below
            cell = v.astype(np.intp) * self._nx + u.astype(np.intp)
        cell = np.where(inside, cell, self._nx * self._ny)  # the sentinel cell says "outside"
        ranks = self._table[cell]
        exact = np.flatnonzero(ranks > n)
        if exact.size:
            ranks[exact] = self._exact_ranks(ranks[exact] - (n + 1), x[exact], y[exact])
        return ranks

    def _exact_ranks(self, cells: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Test candidates in rank order, one round per candidate position; first hit wins."""
        result = np.full(cells.size, len(self._codes), dtype=np.int32)
        pending = np.arange(cells.size)
        pos = self._cand_start[cells]
        stop = self._cand_start[cells + 1]
        while pending.size:
            rank = self._cand_rank[pos]
            hit = shapely.intersects_xy(self._geoms[rank], x[pending], y[pending])
            result[pending[hit]] = rank[hit]
            pos = pos + 1
            more = ~hit & (pos < stop)
            pending, pos, stop = pending[more], pos[more], stop[more]
        return result

    # -- building -------------------------------------------------------------------------

    def _build_grid(self, cells_per_jurisdiction: int) -> None:
        """Lay a grid over the bounds; mark cells a border touches; fill the rest by scanline.

        Table values: 0..n-1 a code's rank (the cell lies wholly inside it), n outside every
        jurisdiction, n+1+b boundary cell b whose candidates are listed in CSR form.
        """
        n = len(self._codes)
        self._place_grid(cells_per_jurisdiction * n)
        seg_rank, u1, v1, u2, v2 = self._segments()
        ncells = self._nx * self._ny
        marks = _boundary_marks(u1, v1, u2, v2, seg_rank, self._nx, self._ny, n)
        is_boundary = np.zeros(ncells, dtype=bool)
        is_boundary[marks // n] = True

        table = np.full(ncells + 1, n, dtype=np.int32)
        covering = [marks]
        for cell, rank in _interior_runs(u1, v1, u2, v2, seg_rank, self._nx):
            np.minimum.at(table, cell, rank.astype(np.int32))
            on_border = is_boundary[cell]
            covering.append(cell[on_border] * n + rank[on_border])

        # Boundary cells: candidates are polygons whose border touches the cell plus any that
        # contain its centre (only possible where inputs overlap); sorted by cell, then rank.
        keys = _sorted_unique(np.concatenate(covering))
        cand_cell, cand_rank = np.divmod(keys, n)
        starts = np.flatnonzero(np.concatenate(([True], cand_cell[1:] != cand_cell[:-1])))
        border_cells = cand_cell[starts]
        table[border_cells] = n + 1 + np.arange(border_cells.size)

        self._table = table
        self._cand_rank = cand_rank.astype(np.int32)
        self._cand_start = np.append(starts, keys.size).astype(np.intp)
        # memoryviews hand back plain ints, which keeps `locate` fast.
        self._table_view = memoryview(self._table)
        self._cand_rank_view = memoryview(self._cand_rank)
        self._cand_start_view = memoryview(self._cand_start)
        self._boundary_cells = int(border_cells.size)

    def _place_grid(self, target_cells: int) -> None:
        """Square cells covering the bounds with at least half a cell to spare on every side,
        so points on the outer bounds still fall inside the grid."""
        minx, miny, maxx, maxy = self._bounds
        width, height = maxx - minx, maxy - miny
        target = min(max(target_cells, MIN_CELLS), MAX_CELLS)
        h = math.sqrt(width * height / target)
        h = max(h, width / (MAX_CELLS // 2), height / (MAX_CELLS // 2))
        self._nx = math.ceil(width / h) + 1
        self._ny = math.ceil(height / h) + 1
        self._x0 = minx - (self._nx * h - width) / 2
        self._y0 = miny - (self._ny * h - height) / 2
        self._inv_h = 1.0 / h

    def _segments(self) -> tuple[np.ndarray, ...]:
        """Every ring edge of every jurisdiction, in grid units, with its owner's rank."""
        parts, part_owner = shapely.get_parts(self._geoms, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
        u = (coords[:, 0] - self._x0) * self._inv_h
        v = (coords[:, 1] - self._y0) * self._inv_h
        same = coord_ring[:-1] == coord_ring[1:]
        owner = part_owner[ring_part][coord_ring[:-1][same]]
        return owner, u[:-1][same], v[:-1][same], u[1:][same], v[1:][same]

    def _warm_up(self) -> None:
        # GEOS builds a prepared polygon's point locator lazily and not thread-safely; one
        # query inside each polygon's envelope builds them all now, before any thread asks.
        minx, miny, maxx, maxy = shapely.bounds(self._geoms).T
        shapely.intersects_xy(self._geoms, (minx + maxx) / 2, (miny + maxy) / 2)


# -- input checking ---------------------------------------------------------------------------


def _checked_pairs(pairs: Iterable[tuple[str, BaseGeometry]]) -> tuple[list[str], list[Any]]:
    """Validate (code, geometry) pairs and return them sorted by code."""
    if isinstance(pairs, (str, bytes, Mapping)):
        raise ValueError("expected an iterable of (code, geometry) pairs")
    seen: dict[str, BaseGeometry] = {}
    for i, pair in enumerate(pairs):
        try:
            code, geom = pair
        except (TypeError, ValueError):
            raise ValueError(f"item {i}: expected a (code, geometry) pair") from None
        _check_code(code, f"item {i}")
        if code in seen:
            raise ValueError(f"item {i}: duplicate code {code!r}")
        _check_geometry(geom, f"jurisdiction {code!r}")
        seen[code] = geom
    if not seen:
        raise ValueError("no jurisdictions given")
    codes = sorted(seen)
    return codes, [seen[c] for c in codes]


def _check_code(code: Any, where: str) -> None:
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"{where}: the code must be a non-empty string, got {code!r}")


def _check_geometry(geom: Any, where: str) -> None:
    if not isinstance(geom, BaseGeometry) or geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"{where}: the geometry must be a Polygon or MultiPolygon")
    if geom.is_empty or geom.area <= 0:
        raise ValueError(f"{where}: the geometry is empty")
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        raise ValueError(f"{where}: the geometry has non-finite coordinates")
    if not geom.is_valid:
        raise ValueError(
            f"{where}: the geometry is invalid ({shapely.is_valid_reason(geom)});"
            " repair it, e.g. with shapely.make_valid"
        )


def _pairs_from_geojson(collection: Any) -> list[tuple[str, BaseGeometry]]:
    if not isinstance(collection, Mapping) or collection.get("type") != "FeatureCollection":
        raise ValueError("expected a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise ValueError("the FeatureCollection has no features")
    return [_pair_from_feature(i, feature) for i, feature in enumerate(features)]


def _pair_from_feature(i: int, feature: Any) -> tuple[str, BaseGeometry]:
    where = f"feature {i}"
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise ValueError(f"{where}: not a GeoJSON Feature")
    props = feature.get("properties")
    if not isinstance(props, Mapping):
        raise ValueError(f"{where}: properties are missing")
    code = props.get("code")
    _check_code(code, where)
    raw = feature.get("geometry")
    if not isinstance(raw, Mapping) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"{where} ({code}): the geometry must be a Polygon or MultiPolygon")
    try:
        with np.errstate(invalid="ignore"):  # NaN coordinates are reported below, clearly
            geom = shape(raw)
    except (
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
        shapely.errors.GEOSException,
    ):
        raise ValueError(f"{where} ({code}): the geometry's coordinates are malformed") from None
    return code, geom


# -- rasterising ------------------------------------------------------------------------------


def _expand(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs (start, count): the owner index of each element and start + offset."""
    owner = np.repeat(np.arange(counts.size), counts)
    first = np.cumsum(counts) - counts
    return owner, starts[owner] + (np.arange(owner.size) - first[owner])


def _grid_crossings(a1: np.ndarray, a2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Segment parameters t where one coordinate crosses an integer (a grid line)."""
    lo, hi = np.minimum(a1, a2), np.maximum(a1, a2)
    first = np.floor(lo).astype(np.int64) + 1
    counts = np.maximum(np.ceil(hi).astype(np.int64) - first, 0)
    seg, k = _expand(first, counts)
    return seg, (k - a1[seg]) / (a2[seg] - a1[seg])


def _boundary_marks(u1, v1, u2, v2, seg_rank, nx: int, ny: int, n: int) -> np.ndarray:
    """Sorted unique keys cell * n + rank for every cell (closed, plus a margin) an edge touches.

    Each edge is cut where it crosses grid lines; every piece lies in one closed cell, so the
    cells holding its ends and middle, each end pushed out by the margin, cover it.
    """
    nseg = u1.size
    seg_x, tx = _grid_crossings(u1, u2)
    seg_y, ty = _grid_crossings(v1, v2)
    every = np.arange(nseg)
    seg = np.concatenate([every, every, seg_x, seg_y])
    t = np.concatenate([np.zeros(nseg), np.ones(nseg), tx, ty])
    order = np.lexsort((t, seg))
    seg, t = seg[order], t[order]
    keep = seg[:-1] == seg[1:]
    s, ta, tb = seg[:-1][keep], t[:-1][keep], t[1:][keep]
    du, dv = u2[s] - u1[s], v2[s] - v1[s]
    ua, ub = u1[s] + ta * du, u1[s] + tb * du
    va, vb = v1[s] + ta * dv, v1[s] + tb * dv
    cols = _touched(np.minimum(ua, ub), np.maximum(ua, ub), nx)
    rows = _touched(np.minimum(va, vb), np.maximum(va, vb), ny)
    rank = seg_rank[s].astype(np.int64)
    keys = [((r * nx + c) * n + rank)[rm & cm] for r, rm in rows for c, cm in cols]
    return _sorted_unique(np.concatenate(keys))


def _sorted_unique(a: np.ndarray) -> np.ndarray:
    # Plain sort-and-compare: several times faster here than np.unique's hashing path.
    a = np.sort(a)
    return a[np.concatenate(([True], a[1:] != a[:-1]))] if a.size else a


def _touched(lo: np.ndarray, hi: np.ndarray, size: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cell indices at the middle, low end and high end of pieces spanning at most one cell,
    each with a mask that drops repeats (most pieces touch one cell per axis)."""
    mid, low, high = (
        np.clip(np.floor(p).astype(np.int64), 0, size - 1)
        for p in ((lo + hi) / 2, lo - _EPS, hi + _EPS)
    )
    return [(mid, np.ones(mid.size, dtype=bool)), (low, low != mid), (high, high != mid)]


def _interior_runs(u1, v1, u2, v2, seg_rank, nx: int):
    """Yield (cells, ranks): each cell whose centre lies inside a jurisdiction, by even-odd
    scanline through cell centres (valid polygons, so even-odd equals inside). Cells near a
    border may come out either way; they are boundary cells and never read from here."""
    lo, hi = np.minimum(v1, v2), np.maximum(v1, v2)
    first = np.ceil(lo - 0.5).astype(np.int64)  # rows r with lo <= r + 0.5 < hi
    counts = np.maximum(np.ceil(hi - 0.5).astype(np.int64) - first, 0)
    seg, row = _expand(first, counts)
    x = u1[seg] + (row + 0.5 - v1[seg]) * (u2[seg] - u1[seg]) / (v2[seg] - v1[seg])
    rank = seg_rank[seg]
    order = np.lexsort((x, row, rank))
    x, row, rank = x[order], row[order], rank[order]
    # Each closed ring crosses a row an even number of times: pair them up in order.
    start = np.clip(np.ceil(x[0::2] - 0.5).astype(np.int64), 0, nx)
    stop = np.clip(np.floor(x[1::2] - 0.5).astype(np.int64) + 1, 0, nx)
    row, rank = row[0::2], rank[0::2]
    length = np.maximum(stop - start, 0)
    bounds = np.searchsorted(np.cumsum(length), np.arange(_CHUNK_CELLS, length.sum(), _CHUNK_CELLS))
    for part in np.split(np.arange(length.size), bounds):
        owner, col = _expand(start[part], length[part])
        yield row[part][owner] * nx + col, rank[part][owner]
