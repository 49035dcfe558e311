"""Small statistics for counts. Pure: no database.

Written here rather than taken from scipy: the few functions below are all we need and
scipy is a large dependency for them; they are checked against known values in tests.
"""

from __future__ import annotations

import math

# |z| at or above this is flagged: a change that large is very unlikely to be chance.
Z_FLAG = 3.0


def poisson_z(current: float, previous: float) -> float:
    """Variance-stabilised difference of two Poisson counts: 2(√c − √p) ≈ N(0, 1)."""
    return 2.0 * (math.sqrt(max(current, 0)) - math.sqrt(max(previous, 0)))


def is_flagged(z: float) -> bool:
    return abs(z) >= Z_FLAG


def normal_sf(z: float) -> float:
    """P(Z > z) for a standard normal."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


def poisson_upper_tail(k: int, mean: float) -> float:
    """P(X ≥ k) for X ~ Poisson(mean), summed in log space so large counts do not overflow."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    # P(X ≥ k) = 1 − Σ_{i<k} e^{-m} m^i / i!; sum the smaller side for accuracy.
    if k > mean:
        log_term = -mean + k * math.log(mean) - math.lgamma(k + 1)
        total, term, i = 0.0, math.exp(log_term), k
        while term > 1e-300 and (term > total * 1e-17 or i < k + 5):
            total += term
            i += 1
            term *= mean / i
            if i > k + 100000:
                break
        return min(1.0, total)
    below, term = 0.0, math.exp(-mean)
    for i in range(k):
        below += term
        term *= mean / (i + 1)
    return max(0.0, 1.0 - below)


def benjamini_hochberg(p_values: list[float], alpha: float = 0.05) -> list[bool]:
    """Which hypotheses are rejected at false-discovery rate `alpha` (step-up procedure)."""
    m = len(p_values)
    if m == 0:
        return []
    order = sorted(range(m), key=lambda i: p_values[i])
    cutoff_rank = 0
    for rank, i in enumerate(order, start=1):
        if p_values[i] <= alpha * rank / m:
            cutoff_rank = rank
    rejected = [False] * m
    for i in order[:cutoff_rank]:
        rejected[i] = True
    return rejected
