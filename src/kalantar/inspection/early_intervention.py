"""Early intervention: which officers stand far above their peers on an indicator.

Pure: counts in, flags out, no database (tested without Django). An officer is compared
with the others of the same peer group (role and kind of station), leaving the officer out
of their own baseline so one high count does not hide itself. A flag needs both a minimum
number of events and a distance above the peers' mean in their standard deviations; the
standard deviation has a floor, so a group where nearly everyone has zero does not flag an
officer for a single event.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

SD_FLOOR = 0.5
MIN_PEERS = 3  # fewer peers than this: no baseline, no flag


@dataclass(frozen=True)
class Threshold:
    code: str
    min_count: int = 3
    z_threshold: float = 2.0


@dataclass(frozen=True)
class Figure:
    code: str
    count: int
    peer_mean: float
    peer_sd: float
    peers: int
    flagged: bool

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "count": self.count,
            "peer_mean": round(self.peer_mean, 2),
            "peer_sd": round(self.peer_sd, 2),
            "peers": self.peers,
            "flagged": self.flagged,
        }


def figures(
    counts: Mapping[Hashable, Mapping[str, int]],
    groups: Mapping[Hashable, str],
    thresholds: list[Threshold],
) -> dict[Hashable, list[Figure]]:
    """Each officer's figure per indicator against their peers (officers of `groups` with
    no count have zero events)."""
    members: dict[str, list[Hashable]] = defaultdict(list)
    for officer, group in groups.items():
        members[group].append(officer)
    out: dict[Hashable, list[Figure]] = {}
    for group_members in members.values():
        for threshold in thresholds:
            values = {o: counts.get(o, {}).get(threshold.code, 0) for o in group_members}
            for officer, count in values.items():
                peers = [v for o, v in values.items() if o != officer]
                out.setdefault(officer, []).append(_figure(threshold, count, peers))
    return out


def _figure(threshold: Threshold, count: int, peers: list[int]) -> Figure:
    if len(peers) < MIN_PEERS:
        return Figure(threshold.code, count, 0.0, 0.0, len(peers), False)
    mean = statistics.fmean(peers)
    sd = max(statistics.pstdev(peers), SD_FLOOR)
    far_above = (count - mean) / sd >= threshold.z_threshold
    return Figure(
        threshold.code, count, mean, sd, len(peers), far_above and count >= threshold.min_count
    )


def flagged(all_figures: Mapping[Hashable, list[Figure]]) -> dict[Hashable, list[Figure]]:
    """The officers with at least one flagged figure, with all their figures."""
    return {o: figs for o, figs in all_figures.items() if any(f.flagged for f in figs)}


def false_flag_rate(flags: set[Hashable], concerns: set[Hashable]) -> float | None:
    """Share of flagged officers with no confirmed concern (None when nobody is flagged)."""
    if not flags:
        return None
    return len(flags - concerns) / len(flags)
