"""JurisdictionIndex: hand-made layouts with obvious answers, and agreement with brute force."""

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from kalantar.org.geo import JurisdictionIndex

NAN = math.nan


def brute_force(pairs, x, y):
    """Every polygon tested with shapely.covers in code order; the first that covers wins."""
    points = shapely.points(x, y)
    result = np.full(len(x), None, dtype=object)
    for code, geom in sorted(pairs, key=lambda p: p[0]):
        fresh = shapely.from_wkb(shapely.to_wkb(geom))  # unprepared, independent of the index
        hit = (result == None) & shapely.covers(fresh, points)  # noqa: E711 (elementwise)
        result[hit] = code
    return result


def assert_everywhere(index, points, expected):
    """`locate` and `locate_many` both give `expected` for every point."""
    xs, ys = zip(*points, strict=True)
    assert [index.locate(x, y) for x, y in points] == [expected] * len(points)
    assert index.locate_many(xs, ys).tolist() == [expected] * len(points)


@pytest.fixture
def two_squares():
    # B is listed first on purpose: input order must not matter, only the codes.
    return JurisdictionIndex([("B", box(1, 0, 2, 1)), ("A", box(0, 0, 1, 1))])


# -- obvious answers ---------------------------------------------------------------------------


def test_interiors(two_squares):
    assert_everywhere(two_squares, [(0.5, 0.5), (0.01, 0.99), (0.999, 0.2)], "A")
    assert_everywhere(two_squares, [(1.5, 0.5), (1.001, 0.2), (1.99, 0.01)], "B")


def test_shared_edge_goes_to_the_lowest_code(two_squares):
    on_edge = [(1.0, y) for y in np.linspace(0.0, 1.0, 101)]
    assert_everywhere(two_squares, on_edge, "A")


def test_tie_rule_follows_codes_not_position():
    index = JurisdictionIndex([("A", box(1, 0, 2, 1)), ("B", box(0, 0, 1, 1))])
    assert_everywhere(index, [(1.0, 0.0), (1.0, 0.37), (1.0, 1.0)], "A")
    assert_everywhere(index, [(0.0, 0.5), (0.5, 1.0)], "B")


def test_outer_border_is_inside(two_squares):
    assert_everywhere(two_squares, [(0.0, 0.0), (0.0, 0.5), (0.5, 1.0)], "A")
    assert_everywhere(two_squares, [(2.0, 1.0), (2.0, 0.5), (1.5, 0.0)], "B")


def test_outside_and_nan_are_none(two_squares):
    outside = [(5.0, 5.0), (-0.001, 0.5), (2.001, 0.5), (1.0, 1.0001), (-1e300, 1e300)]
    not_numbers = [(NAN, 0.5), (0.5, NAN), (NAN, NAN), (math.inf, 0.5), (0.5, -math.inf)]
    assert_everywhere(two_squares, outside + not_numbers, None)


def test_hole_and_island_in_it():
    ring = Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(4, 4), (6, 4), (6, 6), (4, 6)]])
    only_ring = JurisdictionIndex([("R", ring)])
    assert_everywhere(only_ring, [(5, 5), (4.5, 5.9)], None)
    assert_everywhere(only_ring, [(2, 2), (4, 5), (6, 6), (9.9, 0.1)], "R")

    with_island = JurisdictionIndex([("R", ring), ("I", box(4, 4, 6, 6))])
    assert_everywhere(with_island, [(5, 5), (4, 5), (6, 6)], "I")  # "I" < "R" on the hole edge
    assert_everywhere(with_island, [(2, 2), (3.99, 5)], "R")


def test_multipolygon():
    parts = MultiPolygon([box(0, 0, 1, 1), box(3, 3, 4, 5)])
    index = JurisdictionIndex([("M", parts), ("N", box(1, 0, 2, 1))])
    assert_everywhere(index, [(0.5, 0.5), (3.5, 4.5), (4, 5), (1, 0.5)], "M")
    assert_everywhere(index, [(1.5, 0.5)], "N")
    assert_everywhere(index, [(2.5, 2.5), (3.5, 2.9), (0.5, 3.5)], None)


def test_overlap_goes_to_the_lowest_code():
    index = JurisdictionIndex([("Q", box(0, 0, 2, 2)), ("P", box(1, 1, 3, 3))])
    assert_everywhere(index, [(1.5, 1.5), (1, 1), (2, 2), (1.01, 1.99)], "P")
    assert_everywhere(index, [(0.5, 0.5), (0.99, 1.5)], "Q")


# -- the index as a value ----------------------------------------------------------------------


def test_codes_len_and_bounds(two_squares):
    assert two_squares.codes == ["A", "B"]
    assert len(two_squares) == 2
    assert two_squares.bounds == (0.0, 0.0, 2.0, 1.0)


def test_locate_many_keeps_shape_and_accepts_lists(two_squares):
    result = two_squares.locate_many([[0.5, 1.5], [9.0, 1.0]], [[0.5, 0.5], [9.0, 0.5]])
    assert result.dtype == object
    assert result.tolist() == [["A", "B"], [None, "A"]]
    assert two_squares.locate_many([], []).shape == (0,)


def test_locate_many_rejects_mismatched_shapes(two_squares):
    with pytest.raises(ValueError, match="shape"):
        two_squares.locate_many([0.5, 1.5], [0.5])


def test_from_pairs_and_generators():
    pairs = [("A", box(0, 0, 1, 1)), ("B", box(1, 0, 2, 1))]
    index = JurisdictionIndex.from_pairs(iter(pairs))
    assert index.codes == ["A", "B"]
    assert index.locate(1.5, 0.5) == "B"


# -- GeoJSON -----------------------------------------------------------------------------------


def feature(code, geometry):
    return {"type": "Feature", "properties": {"code": code}, "geometry": geometry}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_from_geojson():
    index = JurisdictionIndex.from_geojson(
        collection(
            feature("K-2", mapping(box(51.0, 35.0, 51.5, 35.5))),
            feature("K-1", mapping(MultiPolygon([box(50.5, 35.0, 51.0, 35.5)]))),
        )
    )
    assert index.codes == ["K-1", "K-2"]
    assert index.locate(51.25, 35.25) == "K-2"
    assert index.locate(51.0, 35.25) == "K-1"
    assert index.locate(52.0, 35.25) is None


SQUARE = mapping(box(0, 0, 1, 1))
BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
MALFORMED = [
    pytest.param(None, id="not-a-mapping"),
    pytest.param([feature("A", SQUARE)], id="a-list"),
    pytest.param({"type": "Feature", "features": [feature("A", SQUARE)]}, id="wrong-type"),
    pytest.param(collection(), id="no-features"),
    pytest.param({"type": "FeatureCollection"}, id="features-missing"),
    pytest.param(collection("A"), id="feature-not-a-mapping"),
    pytest.param(collection({"type": "Feature", "geometry": SQUARE}), id="no-properties"),
    pytest.param(collection(feature(None, SQUARE)), id="no-code"),
    pytest.param(collection(feature("", SQUARE)), id="empty-code"),
    pytest.param(collection(feature(7, SQUARE)), id="code-not-a-string"),
    pytest.param(collection(feature("A", SQUARE), feature("A", SQUARE)), id="duplicate-code"),
    pytest.param(collection(feature("A", None)), id="no-geometry"),
    pytest.param(collection(feature("A", {"type": "Point", "coordinates": [0, 0]})), id="point"),
    pytest.param(
        collection(feature("A", {"type": "Polygon", "coordinates": [[1, 2]]})), id="bad-coordinates"
    ),
    pytest.param(collection(feature("A", {"type": "Polygon"})), id="coordinates-missing"),
    pytest.param(collection(feature("A", {"type": "Polygon", "coordinates": []})), id="empty"),
    pytest.param(collection(feature("A", BOWTIE)), id="self-intersecting"),
    pytest.param(
        collection(feature("A", {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]})),
        id="zero-area",
    ),
    pytest.param(
        collection(
            feature("A", {"type": "Polygon", "coordinates": [[[0, 0], [NAN, 0], [1, 1], [0, 0]]]})
        ),
        id="nan-coordinate",
    ),
]


@pytest.mark.parametrize("data", MALFORMED)
def test_from_geojson_rejects_malformed_input(data):
    with pytest.raises(ValueError):
        JurisdictionIndex.from_geojson(data)


@pytest.mark.parametrize(
    "pairs",
    [
        pytest.param([], id="empty"),
        pytest.param("AB", id="a-string"),
        pytest.param([("A",)], id="not-a-pair"),
        pytest.param([("A", box(0, 0, 1, 1).exterior)], id="not-a-polygon"),
        pytest.param([("A", Polygon())], id="empty-polygon"),
    ],
)
def test_from_pairs_rejects_malformed_input(pairs):
    with pytest.raises(ValueError):
        JurisdictionIndex.from_pairs(pairs)


# -- agreement with brute force ----------------------------------------------------------------


def voronoi_pairs(rng, count, x0, y0, size):
    frame = box(x0, y0, x0 + size, y0 + size)
    seeds = shapely.multipoints(rng.uniform((x0, y0), (x0 + size, y0 + size), (count, 2)))
    cells = shapely.intersection(
        shapely.get_parts(shapely.voronoi_polygons(seeds, extend_to=frame)), frame
    )
    codes = [f"S{label:03d}" for label in rng.permutation(len(cells))]
    return list(zip(codes, cells, strict=True))


def tricky_points(rng, index, pairs, count):
    """Uniform points (some outside), every vertex, points on and near edges, and points on
    the index's own grid lines and grid corners."""
    minx, miny, maxx, maxy = index.bounds
    pad = 0.05 * (maxx - minx)
    uniform = rng.uniform((minx - pad, miny - pad), (maxx + pad, maxy + pad), (count, 2))
    coords, ring = shapely.get_coordinates(
        shapely.get_rings([g for _c, g in pairs]), return_index=True
    )
    starts = np.flatnonzero(ring[:-1] == ring[1:])
    i = rng.choice(starts, count)
    t = rng.choice([0.5, 0.25, 0.1, rng.uniform()], (count, 1))
    on_edges = coords[i] + t * (coords[i + 1] - coords[i])
    grid = index.grid
    cols = rng.integers(0, grid["columns"], count)
    rows = rng.integers(0, grid["rows"], count)
    corners = np.column_stack(
        [grid["origin_x"] + cols * grid["cell_size"], grid["origin_y"] + rows * grid["cell_size"]]
    )
    on_lines = corners + np.column_stack([rng.uniform(0, grid["cell_size"], count), 0 * cols])
    points = np.concatenate([uniform, coords, on_edges, corners, on_lines])
    return points[:, 0].copy(), points[:, 1].copy()


@pytest.mark.parametrize(
    ("origin", "size", "cells_per_jurisdiction"),
    [
        pytest.param((0.0, 0.0), 100.0, 1024, id="km"),
        pytest.param((51.0, 35.0), 1.0, 1024, id="degrees"),
        pytest.param((0.0, 0.0), 100.0, 4, id="coarse-grid"),
    ],
)
def test_agrees_with_brute_force_on_voronoi(origin, size, cells_per_jurisdiction):
    rng = np.random.default_rng(20240601)
    pairs = voronoi_pairs(rng, 300, *origin, size)
    index = JurisdictionIndex(pairs, cells_per_jurisdiction=cells_per_jurisdiction)
    x, y = tricky_points(rng, index, pairs, 1500)
    expected = brute_force(pairs, x, y)

    got = index.locate_many(x, y)
    assert (got == expected).all(), f"{int((got != expected).sum())} disagreements"
    assert [index.locate(a, b) for a, b in zip(x, y, strict=True)] == expected.tolist()
    assert (expected != None).sum() > 0.8 * len(x)  # noqa: E711 (elementwise)


def test_agrees_with_brute_force_when_borders_run_along_grid_lines():
    # The grid depends only on the bounds and the count, so a first index over the same frame
    # tells where its lines are. Diamonds with vertices on grid corners touch some cells only
    # at a corner point, and rectangles run along grid lines: the cases the safety margin is for.
    frame = box(0.0, 0.0, 100.0, 100.0)
    count = 41
    probe = JurisdictionIndex([(f"P{i:02d}", frame) for i in range(count)])
    grid = probe.grid
    h, ox, oy = grid["cell_size"], grid["origin_x"], grid["origin_y"]
    rng = np.random.default_rng(7)
    shapes = []
    for i in range(count - 1):
        col = int(rng.integers(5, grid["columns"] - 5))
        row = int(rng.integers(5, grid["rows"] - 5))
        k = int(rng.integers(1, 4))
        cx, cy = ox + col * h, oy + row * h
        if i % 2:
            shapes.append(
                Polygon([(cx - k * h, cy), (cx, cy - k * h), (cx + k * h, cy), (cx, cy + k * h)])
            )
        else:
            shapes.append(box(cx, cy, cx + k * h, cy + 2 * h))
    pairs = [(f"D{i:02d}", g) for i, g in enumerate(shapes)]
    pairs.append(("F", frame))  # overlaps everything; loses every tie to a "D" code
    index = JurisdictionIndex(pairs)
    placement = ("columns", "rows", "cell_size", "origin_x", "origin_y")
    assert [index.grid[k] for k in placement] == [grid[k] for k in placement]

    coords = shapely.get_coordinates(shapes)
    mids = (coords[:-1] + coords[1:]) / 2
    offsets = np.array([[0, 0], [1e-12, 0], [-1e-12, 0], [0, 1e-12], [0, -1e-12]])
    points = (np.concatenate([coords, mids])[:, None, :] + offsets).reshape(-1, 2)
    x, y = points[:, 0].copy(), points[:, 1].copy()
    expected = brute_force(pairs, x, y)
    assert (index.locate_many(x, y) == expected).all()
    assert [index.locate(a, b) for a, b in zip(x, y, strict=True)] == expected.tolist()
