"""Benchmark: routing points to jurisdictions with JurisdictionIndex vs plain shapely.

Layout: Voronoi cells of random seeds over a 1,000 × 1,000 km box, clipped to the box.
Coordinates are planar kilometres (the index is unit-agnostic; production uses lon/lat).
Codes are shuffled labels, so the tie rule (lowest code wins) is unrelated to position.

Prints, as medians over --repeats runs: index build time, points per second for
`locate_many` and for the best plain-shapely approach (STRtree + prepared polygons), their
ratio, the median single `locate` time, and the disagreements with a brute-force check.

    python bench/georoute.py [--points N] [--polygons N] [--repeats N]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
import shapely
from shapely.geometry import box

from kalantar.org.geo import JurisdictionIndex

BOX_KM = 1000.0
GOAL_RATIO = 5.0
GOAL_LOCATE_US = 5.0


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    rng = np.random.default_rng(args.seed)
    codes, geoms = voronoi_layout(args.polygons, rng)
    pairs = list(zip(codes, geoms, strict=True))
    by_code = dict(pairs)
    _print_header(args)

    build_times = [_timed(lambda: JurisdictionIndex(pairs))[0] for _ in range(min(args.repeats, 3))]
    index = JurisdictionIndex(pairs)
    grid = index.grid
    print(
        f"index build            {_ms(statistics.median(build_times))}  (median of "
        f"{len(build_times)}; grid {grid['columns']}×{grid['rows']} cells of "
        f"{grid['cell_size']:.3f} km, {grid['boundary_cells']:,} on a border)"
    )

    x, y = rng.uniform(0.0, BOX_KM, (2, args.points))
    ours_s, ours = _median_time(lambda: index.locate_many(x, y), args.repeats)
    ours_rate = args.points / ours_s
    print(f"locate_many            {ours_rate:>12,.0f} points/s")
    baseline = ShapelyBaseline(index.codes, [by_code[c] for c in index.codes])
    base_rate, base_result = 0.0, None
    for label, method in baseline.variants():
        seconds, result = _median_time(lambda m=method: m(x, y), args.repeats)
        print(f"shapely                {args.points / seconds:>12,.0f} points/s  ({label})")
        if args.points / seconds > base_rate:
            base_rate, base_result = args.points / seconds, result
    ratio = ours_rate / base_rate
    differ = int(np.count_nonzero(ours != base_result))
    print(
        f"ratio                  {ratio:>12.1f}×  (against the faster shapely; goal ≥ "
        f"{GOAL_RATIO:.0f}×)"
    )
    print(f"answers differing from shapely on all {args.points:,} points: {differ}")

    single_us, tail_us = _single_locate(index, x, y, args.single)
    print(
        f"locate, median         {single_us:.2f} µs per call  (goal < {GOAL_LOCATE_US:.0f} µs;"
        f" {args.single:,} calls timed in batches of {SINGLE_BATCH})"
    )
    print(
        f"locate, 99th percentile {tail_us:.2f} µs per call  (calls timed one by one; the"
        " slow ones are points in border cells)"
    )

    sx, sy = sample_points(geoms, args.sample, rng)
    truth = brute_force(index.codes, [by_code[c] for c in index.codes], sx, sy)
    many_bad = int(np.count_nonzero(index.locate_many(sx, sy) != truth))
    single_bad = sum(index.locate(a, b) != t for a, b, t in zip(sx, sy, truth, strict=True))
    print(
        f"brute-force check      {sx.size:,} points (uniform, on vertices, on edges): "
        f"{many_bad} disagreements in locate_many, {single_bad} in locate"
    )

    ok = ratio >= GOAL_RATIO and single_us < GOAL_LOCATE_US and many_bad == single_bad == 0
    print("verdict                " + ("all goals met" if ok else "GOAL MISSED"))
    return 0 if many_bad == single_bad == differ == 0 else 1


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--points", type=int, default=1_000_000, help="points per timed batch")
    parser.add_argument("--polygons", type=int, default=4000, help="number of jurisdictions")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats (median is shown)")
    parser.add_argument("--sample", type=int, default=20_000, help="points for brute force")
    parser.add_argument("--single", type=int, default=100_000, help="single locate calls")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    args.single = min(args.single, args.points)
    if min(args.points, args.polygons, args.repeats, args.sample, args.single) < 1:
        parser.error("all counts must be positive")
    return args


def _print_header(args: argparse.Namespace) -> None:
    print(
        f"georoute: {args.polygons:,} Voronoi jurisdictions over {BOX_KM:,.0f} × {BOX_KM:,.0f} "
        f"km (coordinates in km), {args.points:,} uniform random points, "
        f"{args.repeats} repeats"
    )
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"shapely {shapely.__version__}, GEOS {shapely.geos_version_string}"
    )


# -- layout and sample -------------------------------------------------------------------------


def voronoi_layout(count: int, rng: np.random.Generator) -> tuple[list[str], list]:
    """Voronoi cells of `count` random seeds, clipped to the box, with shuffled codes."""
    frame = box(0.0, 0.0, BOX_KM, BOX_KM)
    seeds = shapely.multipoints(rng.uniform(0.0, BOX_KM, (count, 2)))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame))
    geoms = shapely.intersection(cells, frame)
    labels = rng.permutation(len(geoms))
    return [f"J{label:05d}" for label in labels], list(geoms)


def sample_points(geoms: list, size: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Half uniform (a little beyond the box too), a quarter exactly on polygon vertices,
    a quarter on edges (interpolated, so on or within rounding of a shared border)."""
    coords, ring = shapely.get_coordinates(
        shapely.get_exterior_ring(np.asarray(geoms)), return_index=True
    )
    n_vertex = n_edge = size // 4
    uniform = rng.uniform(-0.01 * BOX_KM, 1.01 * BOX_KM, (size - n_vertex - n_edge, 2))
    vertex = coords[rng.integers(0, len(coords), n_vertex)]
    starts = np.flatnonzero(ring[:-1] == ring[1:])  # edges: consecutive vertices of one ring
    i = rng.choice(starts, n_edge)
    t = rng.choice([0.5, 0.25, 1 / 3], n_edge)[:, None]
    edge = coords[i] + t * (coords[i + 1] - coords[i])
    points = np.concatenate([uniform, vertex, edge])
    return points[:, 0].copy(), points[:, 1].copy()


def brute_force(codes: list[str], geoms: list, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Every polygon tested with shapely.covers, in code order; the first that covers wins.

    Uses fresh, unprepared copies of the polygons and real Point geometries, so it shares no
    code path with the index beyond GEOS itself. A bounding-box test only skips polygons that
    cannot cover a point."""
    copies = shapely.from_wkb(shapely.to_wkb(np.asarray(geoms)))
    bounds = shapely.bounds(copies)
    points = shapely.points(x, y)
    result = np.full(x.size, None, dtype=object)
    open_ = np.ones(x.size, dtype=bool)
    for code, geom, (minx, miny, maxx, maxy) in zip(codes, copies, bounds, strict=True):
        near = np.flatnonzero(open_ & (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy))
        hit = near[shapely.covers(geom, points[near])]
        result[hit] = code
        open_[hit] = False
    return result


# -- plain shapely -----------------------------------------------------------------------------


class ShapelyBaseline:
    """What we would do with shapely alone: an STRtree over prepared polygons (indexed in code
    order), candidate pairs from it, then the same lowest-code rule via np.minimum.at."""

    def __init__(self, codes: list[str], geoms: list) -> None:
        self.geoms = shapely.from_wkb(shapely.to_wkb(np.asarray(geoms)))
        shapely.prepare(self.geoms)
        self.tree = shapely.STRtree(self.geoms)
        self.code_or_none = np.array([*codes, None], dtype=object)

    def bbox_then_xy(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        point_i, poly_i = self.tree.query(shapely.points(x, y))
        hit = shapely.intersects_xy(self.geoms[poly_i], x[point_i], y[point_i])
        return self._lowest(x.size, point_i[hit], poly_i[hit])

    def tree_predicate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        point_i, poly_i = self.tree.query(shapely.points(x, y), predicate="intersects")
        return self._lowest(x.size, point_i, poly_i)

    def _lowest(self, size: int, point_i: np.ndarray, poly_i: np.ndarray) -> np.ndarray:
        rank = np.full(size, len(self.geoms), dtype=np.intp)
        np.minimum.at(rank, point_i, poly_i)
        return self.code_or_none[rank]

    def variants(self) -> list[tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]]:
        return [
            ("STRtree bbox query + intersects_xy on prepared polygons", self.bbox_then_xy),
            ("STRtree query with predicate='intersects'", self.tree_predicate),
        ]


# -- timing ------------------------------------------------------------------------------------

SINGLE_BATCH = 1000
SINGLE_TAIL = 20_000


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    fn()  # warm-up: page in memory, first-touch allocations
    runs = [_timed(fn) for _ in range(repeats)]
    return statistics.median(t for t, _ in runs), runs[-1][1]


def _single_locate(
    index: JurisdictionIndex, x: np.ndarray, y: np.ndarray, calls: int
) -> tuple[float, float]:
    """µs per `locate`: the median over batches of calls, and the 99th percentile of calls
    timed one by one (these include the timer's own cost, well under a microsecond)."""
    xs, ys = x[:calls].tolist(), y[:calls].tolist()
    locate = index.locate
    for a, b in zip(xs[:SINGLE_BATCH], ys[:SINGLE_BATCH], strict=True):  # warm-up
        locate(a, b)
    batches = []
    for start in range(0, len(xs), SINGLE_BATCH):
        bx, by = xs[start : start + SINGLE_BATCH], ys[start : start + SINGLE_BATCH]
        t0 = time.perf_counter()
        for a, b in zip(bx, by, strict=True):
            locate(a, b)
        batches.append((time.perf_counter() - t0) / len(bx))
    clock = time.perf_counter_ns
    each = []
    for a, b in zip(xs[:SINGLE_TAIL], ys[:SINGLE_TAIL], strict=True):
        t0 = clock()
        locate(a, b)
        each.append(clock() - t0)
    return statistics.median(batches) * 1e6, float(np.percentile(each, 99)) / 1e3


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f} ms"


if __name__ == "__main__":
    sys.exit(main())
