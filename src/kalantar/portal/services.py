"""What the public pages do beyond calling the complaints app: the audited citizen lookup and
the check of a complaint before the citizen confirms it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kalantar.complaints import selectors, services
from kalantar.complaints.models import Complaint
from kalantar.complaints.selectors import CitizenView
from kalantar.core import audit
from kalantar.core.models import AuditEntry
from kalantar.org.models import Unit

LOOKUP_ACTION = "complaints.citizen_lookup"


def citizen_lookup(code: str, secret: str, *, purpose: str = "status") -> CitizenView | None:
    """The citizen's view of a complaint, or None; every attempt is audited, never the secret.

    `code` must already be a canonical tracking code. Both outcomes do the same work (one
    look-up of the code, one audit entry), so neither the answer nor its timing tells a
    wrong code from a wrong national code or mobile.
    """
    view, complaint_id = selectors.citizen_lookup(code, secret)
    # The entry is the only write, so it is its own transaction.
    audit.record(
        LOOKUP_ACTION,
        object_type="complaints.complaint",
        object_id=complaint_id or "",
        outcome=AuditEntry.Outcome.OK if view else AuditEntry.Outcome.DENIED,
        detail={"code": code, "purpose": purpose},
    )
    return view


class _Rollback(Exception):
    def __init__(self, unit: Unit) -> None:
        self.unit = unit


def check_complaint(**fields: Any) -> Unit:
    """Check an online complaint as `services.file_complaint` would, keeping nothing.

    Returns the unit that would handle it, or raises the service's ValidationError. The
    service is the one authority on a valid complaint (routing, category rules, dates), so
    it runs for real inside a transaction that is always rolled back; the rollback also
    drops its audit entry and its SMS. Attachments are left out: their files would be
    written to storage, which no rollback undoes (the form checks them instead).
    """
    try:
        with transaction.atomic():
            complaint = services.file_complaint(
                by=None, channel=Complaint.Channel.ONLINE, **fields, attachments=()
            )
            raise _Rollback(complaint.unit)
    except _Rollback as done:
        return done.unit
