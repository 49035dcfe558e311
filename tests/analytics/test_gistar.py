"""Gi* against the published worked example of esda (PySAL) and against hand computation."""

from __future__ import annotations

import math

import h3
import numpy as np
import pytest

from kalantar.analytics.gistar import Neighbours, gi_star, h3_neighbours, hotspots
from kalantar.analytics.stats import benjamini_hochberg, two_sided_p

# esda's G_Local documentation: six points, a distance band of 15, binary weights,
# star=True; its printed Zs.
POINTS = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
Y = [2, 3, 3.2, 5, 8, 7]
PUBLISHED_ZS = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]


def _band(points, threshold):
    return [[j for j, q in enumerate(points) if math.dist(p, q) <= threshold] for p in points]


def test_matches_esda_published_example():
    z = gi_star(Y, Neighbours.from_lists(_band(POINTS, 15)))
    assert z == pytest.approx(PUBLISHED_ZS, abs=1e-7)


def test_hand_computed_line_of_five():
    # x = 0 0 0 0 10 on a line, each cell with its left and right neighbour and itself.
    x = [0, 0, 0, 0, 10]
    lists = [[0, 1], [0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4]]
    n, mean = 5, 2.0
    s = math.sqrt(sum(v * v for v in x) / n - mean**2)  # 4.0

    def expected(i):
        k = len(lists[i])
        total = sum(x[j] for j in lists[i])
        return (total - mean * k) / (s * math.sqrt((n * k - k * k) / (n - 1)))

    assert gi_star(x, Neighbours.from_lists(lists)) == pytest.approx(
        [expected(i) for i in range(5)]
    )
    assert expected(4) == pytest.approx((10 - 4) / (4 * math.sqrt(6 / 4)))


def test_constant_field_has_no_hotspot():
    z = gi_star([3, 3, 3, 3], Neighbours.from_lists([[0, 1], [0, 1, 2], [1, 2, 3], [2, 3]]))
    assert list(z) == [0, 0, 0, 0]


def test_a_cluster_on_an_h3_lattice_is_found_and_noise_is_not():
    centre = h3.latlng_to_cell(34.8, 48.5, 8)
    cells = sorted(h3.grid_disk(centre, 6))  # 127 cells
    counts = np.zeros(len(cells))
    cluster = set(h3.grid_disk(centre, 1))
    for i, cell in enumerate(cells):
        if cell in cluster:
            counts[i] = 12
        elif i % 5 == 0:
            counts[i] = 1
    result = hotspots(counts, h3_neighbours(cells))
    flagged = {cells[i] for i in np.flatnonzero(result.significant)}
    assert centre in flagged
    assert flagged <= set(h3.grid_disk(centre, 2))
    # Ring of six plus self inside the area, fewer at the edge.
    card = h3_neighbours(cells).cardinality
    assert card.max() == 7 and card.min() < 7


def test_two_sided_p_and_benjamini_hochberg():
    assert two_sided_p(1.959963985) == pytest.approx(0.05, abs=1e-8)
    assert two_sided_p(-1.959963985) == pytest.approx(0.05, abs=1e-8)
    # Textbook BH example: sorted p, m = 5, alpha 0.05 → thresholds 0.01 … 0.05.
    p = [0.04, 0.001, 0.03, 0.2, 0.011]
    assert benjamini_hochberg(p, 0.05) == [True, True, True, False, True]
    assert benjamini_hochberg([0.02, 0.5], 0.05) == [True, False]
    assert benjamini_hochberg([0.03, 0.5], 0.05) == [False, False]
