"""Simulated shifts with known truth: which recording belongs to which incident. The demo
loads one of them; the linking benchmark measures the matcher's precision and recall on
many. Pure and seeded: the same seed gives the same shifts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from kalantar.evidence.linking import OFFICER, PATROL, Attendance, Holding, match


@dataclass(frozen=True)
class Recording:
    camera: str  # "car-<unit index>" or "body-<crew index>"
    device_start: datetime  # on the device's clock
    seconds: float
    truth: int | None  # the incident it was recorded at (index), None on plain patrol


@dataclass(frozen=True)
class Shift:
    start: datetime
    end: datetime
    units: int
    # Device clock minus true clock, per camera; one camera of each shift is an hour off.
    offsets: dict[str, float]
    attendances: list[Attendance]  # incident = index, unit = unit index
    recordings: list[Recording]


def simulate(start: datetime, *, seed: int, units: int = 4, hours: int = 8) -> Shift:
    """One shift of `units` patrol cars, each with a car camera and one officer wearing a
    body camera; calls come in, a free car takes each; cameras record at most calls and
    now and then on plain patrol."""
    rng = random.Random(seed)
    end = start + timedelta(hours=hours)
    cameras = [f"car-{u}" for u in range(units)] + [f"body-{u}" for u in range(units)]
    offsets = {c: round(rng.uniform(-90, 90), 1) for c in cameras}
    offsets[rng.choice(cameras)] = 3600.0
    free_at = [start] * units
    attendances: list[Attendance] = []
    recordings: list[Recording] = []
    moment = start
    while (moment := moment + timedelta(minutes=rng.expovariate(1 / 25))) < end:
        unit = min(range(units), key=lambda u: free_at[u])
        dispatched = max(moment, free_at[unit])
        cleared = dispatched + timedelta(minutes=rng.uniform(8, 50))
        free_at[unit] = cleared + timedelta(minutes=rng.uniform(0, 5))
        incident = len(attendances)
        attendances.append(Attendance(incident, unit, dispatched, cleared))
        for camera, chance in ((f"car-{unit}", 0.8), (f"body-{unit}", 0.7)):
            if rng.random() < chance:
                recordings.append(_at(rng, camera, offsets, dispatched, cleared, incident))
    for _i in range(units):
        camera = rng.choice(cameras)
        quiet = start + timedelta(minutes=rng.uniform(0, hours * 60 - 10))
        if not any(a.start <= quiet <= a.end for a in attendances if _unit(camera) == a.unit):
            recordings.append(_at(rng, camera, offsets, quiet, quiet, None))
    return Shift(start, end, units, offsets, attendances, recordings)


def _unit(camera: str) -> int:
    return int(camera.split("-")[1])


def _at(rng, camera, offsets, begin: datetime, until: datetime, truth) -> Recording:
    span = max((until - begin).total_seconds(), 60)
    true_start = begin + timedelta(seconds=rng.uniform(0, span * 0.6))
    seconds = rng.uniform(20, min(600, span))
    return Recording(camera, true_start + timedelta(seconds=offsets[camera]), seconds, truth)


def holdings(shift: Shift, camera: str) -> list[Holding]:
    kind = PATROL if camera.startswith("car") else OFFICER
    return [Holding(kind, _unit(camera), shift.start, shift.end)]


@dataclass(frozen=True)
class Score:
    recordings: int
    with_truth: int
    linked: int
    linked_right: int
    suggested: int
    suggested_with_truth: int

    @property
    def precision(self) -> float:
        return self.linked_right / self.linked if self.linked else 1.0

    @property
    def recall(self) -> float:
        return self.linked_right / self.with_truth if self.with_truth else 1.0


def score(shifts: list[Shift], *, correct_clocks: bool = True) -> Score:
    """The matcher against the truth: links made and right, suggestions that hold it."""
    counts = dict(recordings=0, with_truth=0, linked=0, linked_right=0, suggested=0)
    counts["suggested_with_truth"] = 0
    for shift in shifts:
        for rec in shift.recordings:
            offset = shift.offsets[rec.camera] if correct_clocks else 0.0
            begin = rec.device_start - timedelta(seconds=offset)
            found = match(
                (begin, begin + timedelta(seconds=rec.seconds)),
                holdings(shift, rec.camera),
                shift.attendances,
            )
            counts["recordings"] += 1
            counts["with_truth"] += rec.truth is not None
            if found.unique:
                counts["linked"] += 1
                counts["linked_right"] += found.incidents == (rec.truth,)
            elif found.incidents:
                counts["suggested"] += 1
                counts["suggested_with_truth"] += rec.truth in found.incidents
    return Score(**counts)
