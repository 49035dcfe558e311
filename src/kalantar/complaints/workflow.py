"""The complaint workflow: statuses, the transitions allowed between them, and how each step
reads to the citizen. Pure: no database (TextChoices is only an enumeration)."""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Status(TextChoices):
    """A complaint's status: the one place its spellings are written."""

    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    INVESTIGATING = "investigating", _("Under investigation")
    REFERRED_JUDICIARY = "referred_judiciary", _("Referred to the judiciary")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


REGISTERED = Status.REGISTERED
ASSIGNED = Status.ASSIGNED
INVESTIGATING = Status.INVESTIGATING
REFERRED_JUDICIARY = Status.REFERRED_JUDICIARY
RESOLVED = Status.RESOLVED
REJECTED = Status.REJECTED
CLOSED = Status.CLOSED

# The queue's filter for every open status at once (not a status of its own).
ALL_OPEN = "open"

# The steps by which a station takes a complaint into its work (its incident follows).
ACCEPTED = (ASSIGNED, INVESTIGATING)

STATUS_CHOICES = Status.choices

# What the citizen reads on the status page for each step, in plain words.
CITIZEN_TEXT = {
    REGISTERED: _("Your complaint has been registered and is waiting for an officer."),
    ASSIGNED: _("An officer has been assigned to your complaint."),
    INVESTIGATING: _("Your complaint is being investigated."),
    REFERRED_JUDICIARY: _("Your case has been sent to the judiciary for a decision."),
    RESOLVED: _("Your complaint has been resolved."),
    REJECTED: _("Your complaint could not be accepted. The reason is given below."),
    CLOSED: _("The work on your complaint is finished."),
}

TRANSITIONS: dict[str, tuple[str, ...]] = {
    REGISTERED: (ASSIGNED, REJECTED),
    ASSIGNED: (INVESTIGATING, REJECTED),
    INVESTIGATING: (REFERRED_JUDICIARY, RESOLVED, REJECTED),
    REFERRED_JUDICIARY: (CLOSED,),
    RESOLVED: (CLOSED,),
    REJECTED: (CLOSED,),
    CLOSED: (),
}

OPEN_STATUSES = (REGISTERED, ASSIGNED, INVESTIGATING)
# Once a complaint has left these, the station has acted on it.
AWAITING_FIRST_ACTION = (REGISTERED,)
FINISHED_STATUSES = (REFERRED_JUDICIARY, RESOLVED, REJECTED, CLOSED)


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, ())


def next_statuses(current: str) -> tuple[str, ...]:
    return TRANSITIONS.get(current, ())


def needs_reason(target: str) -> bool:
    return target == REJECTED


def status_label(status: str) -> str:
    return str(dict(STATUS_CHOICES).get(status, status))
