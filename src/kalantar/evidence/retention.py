"""When an item's retention ends (pure: no Django). The longest applicable period wins, an
indefinite one keeps the item, and time under a legal hold does not count."""

from __future__ import annotations

from datetime import datetime, timedelta

UNDO_DAYS = 7  # a queued deletion waits this long, and can be undone meanwhile


def expires_at(
    start: datetime,
    periods: list[int | None],
    holds: list[tuple[datetime, datetime | None]],
) -> datetime | None:
    """The moment the item may be queued for deletion; None while it must be kept (no period
    applies, one is indefinite, or a hold is open). `holds` are (placed, lifted) intervals."""
    if not periods or any(days is None for days in periods):
        return None
    if any(lifted is None for _placed, lifted in holds):
        return None
    held = sum(
        ((lifted - max(placed, start)) for placed, lifted in holds if lifted > start),
        timedelta(),
    )
    return start + timedelta(days=max(periods)) + held


def clock_start(uploaded_at: datetime, case_closings: list[datetime | None]) -> datetime | None:
    """When the retention clock starts: at upload, or for an item linked to cases when the
    last of them closed; None while any is open (`case_closings` holds None for an open
    case), since evidence in an open case is never deleted."""
    if any(closed is None for closed in case_closings):
        return None
    return max([uploaded_at, *case_closings])
