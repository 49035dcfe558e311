"""The arithmetic of an institution's annual assessment, apart from Django.

Every indicator in use counts for one point; a finding on it lowers that: a must-fix to
nothing, a should-fix to half; a good practice keeps the point. The worst finding on an
indicator is the one that counts. The score is the points out of 100."""

from __future__ import annotations

from collections.abc import Iterable

MUST_FIX, SHOULD_FIX, GOOD_PRACTICE = "must_fix", "should_fix", "good_practice"
POINTS = {MUST_FIX: 0.0, SHOULD_FIX: 0.5, GOOD_PRACTICE: 1.0}


def score(indicators: int, findings: Iterable[tuple[int, str]]) -> int:
    """The score out of 100 for `indicators` in use and (indicator id, kind) findings."""
    if indicators <= 0:
        return 0
    worst: dict[int, float] = {}
    for indicator, kind in findings:
        worst[indicator] = min(worst.get(indicator, 1.0), POINTS[kind])
    points = indicators - len(worst) + sum(worst.values())
    return round(100 * points / indicators)


def may_approve_outright(kinds: Iterable[str]) -> bool:
    """An institution with a must-fix finding is approved on conditions at best."""
    return MUST_FIX not in set(kinds)
