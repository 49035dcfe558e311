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
