"""How a guard's tour is judged against its plan: lateness, order, distance, missed stops.

Pure: no database. A plan's rounds start at set local times each day; each stop is due a
number of minutes after its round starts, with the plan's tolerance either side.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

TEHRAN = ZoneInfo("Asia/Tehran")


@dataclass(frozen=True)
class Verdict:
    """What a scan is flagged with; `minutes_late` is 0 when on time."""

    minutes_late: int
    out_of_order: bool
    too_far: bool
    distance_m: int | None

    @property
    def late(self) -> bool:
        return self.minutes_late > 0

    @property
    def clean(self) -> bool:
        return not (self.late or self.out_of_order or self.too_far)


def parse_start_times(text: str) -> list[time]:
    """ "22:00, 02:30" → [22:00, 02:30]; ValueError on anything else."""
    times = []
    for part in text.replace("،", ",").split(","):
        part = part.strip()
        if not part:
            continue
        hours, _, minutes = part.partition(":")
        times.append(time(int(hours), int(minutes or 0)))
    if not times:
        raise ValueError(text)
    return sorted(set(times))


def starts_between(start_times: Iterable[time], since: datetime, until: datetime) -> list[datetime]:
    """Every scheduled start (aware, Tehran) in [since, until]."""
    first = since.astimezone(TEHRAN).date() - timedelta(days=1)
    last = until.astimezone(TEHRAN).date()
    starts = []
    day: date = first
    while day <= last:
        for at in start_times:
            start = datetime.combine(day, at, tzinfo=TEHRAN)
            if since <= start <= until:
                starts.append(start)
        day += timedelta(days=1)
    return sorted(starts)


def current_start(
    start_times: Iterable[time], now: datetime, *, length: timedelta, tolerance: timedelta
) -> datetime | None:
    """The start of the round a scan at `now` belongs to: the latest start from which the
    round (its length plus the tolerance) has not ended, allowing a start `tolerance` early."""
    starts = starts_between(start_times, now - length - tolerance, now + tolerance)
    return starts[-1] if starts else None


def judge(
    *,
    due: datetime,
    at: datetime,
    order: int,
    scanned_orders: Iterable[int],
    distance_m: float | None,
    tolerance: timedelta,
    max_distance_m: int,
) -> Verdict:
    """The flags of one scan of the stop numbered `order`, due at `due`, made at `at`."""
    late_by = at - (due + tolerance)
    minutes_late = max(0, int(late_by.total_seconds() // 60) + (1 if late_by.seconds % 60 else 0))
    if late_by <= timedelta(0):
        minutes_late = 0
    return Verdict(
        minutes_late=minutes_late,
        out_of_order=any(done > order for done in scanned_orders),
        too_far=distance_m is not None and distance_m > max_distance_m,
        distance_m=None if distance_m is None else round(distance_m),
    )


def missed(orders: Iterable[int], scanned_orders: Iterable[int]) -> list[int]:
    done = set(scanned_orders)
    return sorted(o for o in orders if o not in done)
