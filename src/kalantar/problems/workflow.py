"""Which answers an agency may give at each step of a referral. Pure: no database."""

from __future__ import annotations

SENT, ACKNOWLEDGED, IN_PROGRESS = "sent", "acknowledged", "in_progress"
DONE, DECLINED, OVERDUE = "done", "declined", "overdue"

# The agency moves a referral forward; an overdue one can still be answered.
AGENCY_TRANSITIONS: dict[str, tuple[str, ...]] = {
    SENT: (ACKNOWLEDGED, IN_PROGRESS, DONE, DECLINED),
    ACKNOWLEDGED: (IN_PROGRESS, DONE, DECLINED),
    IN_PROGRESS: (DONE, DECLINED),
    OVERDUE: (ACKNOWLEDGED, IN_PROGRESS, DONE, DECLINED),
    DONE: (),
    DECLINED: (),
}


def agency_can_move(current: str, target: str) -> bool:
    return target in AGENCY_TRANSITIONS.get(current, ())


def agency_choices(current: str) -> tuple[str, ...]:
    return AGENCY_TRANSITIONS.get(current, ())


# Where a project opened by hand comes from (values of Problem.Origin).
ORIGIN_HOTSPOT, ORIGIN_COMPLAINTS, ORIGIN_MANUAL = "hotspot", "complaints", "manual"


def origin_by_hand(*, hotspot_cell: str, complaints: int) -> str:
    """A project opened from a hotspot cell comes from the hotspot, else from the
    complaints linked to it, else it was opened by hand."""
    if hotspot_cell:
        return ORIGIN_HOTSPOT
    return ORIGIN_COMPLAINTS if complaints else ORIGIN_MANUAL
