"""Which incident a recording belongs to: pure matching of who held the camera, when it
recorded, and which units were out on which incidents.

A dispatch is a candidate when the recording overlaps its dispatched → cleared interval
and the camera was held, during that interval, by the dispatched unit (a car's camera, or
a body camera whose officer was on the unit's crew when it was checked out) or by an
officer on their own (a body camera of nobody's crew: any of the station's dispatches at
the time qualifies). One incident: a link;
several: suggestions for the station chief; none: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kalantar.evidence.media import corrected

OFFICER, PATROL = "officer", "patrol"


@dataclass(frozen=True)
class Holding:
    """A camera in someone's hands: (OFFICER, user id) or (PATROL, unit id), from → until."""

    kind: str
    holder: int
    start: datetime
    end: datetime | None  # None: still out


@dataclass(frozen=True)
class Attendance:
    """A unit out on an incident (a dispatch), dispatched → cleared."""

    incident: int
    unit: int
    start: datetime
    end: datetime | None  # None: not yet cleared


@dataclass(frozen=True)
class Match:
    incidents: tuple[int, ...]

    @property
    def unique(self) -> bool:
        return len(self.incidents) == 1


def overlaps(a: tuple[datetime, datetime | None], b: tuple[datetime, datetime | None]) -> bool:
    """Closed intervals; an open end runs forever."""
    return (b[1] is None or a[0] <= b[1]) and (a[1] is None or b[0] <= a[1])


def _held_for(holding: Holding, attendance: Attendance) -> bool:
    if holding.kind == PATROL and holding.holder != attendance.unit:
        return False
    return overlaps((holding.start, holding.end), (attendance.start, attendance.end))


def match(
    recorded: tuple[datetime, datetime], holdings: list[Holding], attendances: list[Attendance]
) -> Match:
    """The incidents a recording of one camera may belong to (see the module's rule)."""
    held = [h for h in holdings if overlaps(recorded, (h.start, h.end))]
    found = {
        a.incident
        for a in attendances
        if overlaps(recorded, (a.start, a.end)) and any(_held_for(h, a) for h in held)
    }
    return Match(tuple(sorted(found)))


def covering(
    holdings: list[tuple[int, datetime, datetime | None, float | None]], device_start: datetime
) -> tuple[int, float | None] | None:
    """The assignment (id, out, in, clock offset) during which a recording started, read
    on each assignment's own corrected clock; None when no assignment covers it."""
    for key, start, end, offset in holdings:
        moment = corrected(device_start, offset)
        if start <= moment and (end is None or moment <= end):
            return key, offset
    return None
