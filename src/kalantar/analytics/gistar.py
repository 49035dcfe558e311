"""Getis-Ord Gi* local statistic with binary weights. Pure: numpy only, no database.

For cell i with neighbourhood N(i) (the cell itself included), n cells, mean x̄ and
S = sqrt(Σx²/n − x̄²):

    Gi* = (Σ_{j∈N(i)} x_j − x̄·k_i) / (S · sqrt((n·k_i − k_i²) / (n − 1))),  k_i = |N(i)|

(Getis & Ord 1992; Ord & Getis 1995). Written here, not taken from esda, because esda
pulls in libpysal, scipy and numba for what is a few array operations on sparse
neighbour lists; tests check it against esda's published worked example.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import sqrt

import h3
import numpy as np

from kalantar.analytics.stats import benjamini_hochberg, two_sided_p


@dataclass(frozen=True)
class Neighbours:
    """Neighbour lists, compressed: the neighbours of i are indices[indptr[i] : indptr[i + 1]]."""

    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def from_lists(cls, lists: Sequence[Sequence[int]]) -> Neighbours:
        sizes = np.fromiter((len(items) for items in lists), dtype=np.int64, count=len(lists))
        indptr = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(sizes, out=indptr[1:])
        flat = [j for items in lists for j in items]
        return cls(indptr, np.asarray(flat, dtype=np.int64))

    @property
    def cardinality(self) -> np.ndarray:
        return np.diff(self.indptr)


def gi_star(values: Sequence[float] | np.ndarray, neighbours: Neighbours) -> np.ndarray:
    """Gi* z-score for each position; each neighbour list must include the position itself.

    Where every value is the same (S = 0) nothing stands out and every z is 0.
    """
    x = np.asarray(values, dtype=np.float64)
    n = len(x)
    if n < 2:
        return np.zeros(n)
    mean = x.mean()
    s = sqrt(max(float((x * x).mean() - mean * mean), 0.0))
    k = neighbours.cardinality.astype(np.float64)
    if s == 0.0 or len(neighbours.indices) == 0:
        return np.zeros(n)
    sums = np.add.reduceat(x[neighbours.indices], neighbours.indptr[:-1]) if n else np.zeros(0)
    # reduceat gives x[indptr[i]] for empty rows; no row is empty (self is always included).
    denominator = s * np.sqrt(np.maximum(n * k - k * k, 0.0) / (n - 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (sums - mean * k) / denominator
    return np.where(denominator > 0, z, 0.0)


@dataclass(frozen=True)
class HotspotResult:
    z: np.ndarray
    p: np.ndarray
    significant: np.ndarray  # Benjamini–Hochberg at `alpha`


def hotspots(
    values: Sequence[float] | np.ndarray, neighbours: Neighbours, *, alpha: float = 0.05
) -> HotspotResult:
    """Gi* z, two-sided normal p-values and which cells stay significant after BH."""
    z = gi_star(values, neighbours)
    p = np.array([two_sided_p(v) for v in z], dtype=np.float64)
    significant = np.array(benjamini_hochberg(list(p), alpha), dtype=bool)
    return HotspotResult(z=z, p=p, significant=significant)


def h3_neighbours(cells: Sequence[str]) -> Neighbours:
    """Each cell with its ring of six (fewer at the study area's edge), itself included."""
    position = {cell: i for i, cell in enumerate(cells)}
    lists = [[position[c] for c in h3.grid_disk(cell, 1) if c in position] for cell in cells]
    return Neighbours.from_lists(lists)
