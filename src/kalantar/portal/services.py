"""What the public pages do beyond calling the complaints app: the audited citizen lookup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kalantar.complaints import selectors
from kalantar.complaints.models import Complaint
from kalantar.complaints.selectors import CitizenView
from kalantar.core import audit
from kalantar.core.models import AuditEntry
from kalantar.portal import one_time

LOOKUP_ACTION = "complaints.citizen_lookup"


@dataclass(frozen=True)
class Lookup:
    """The answer to a look-up: the citizen's view, or nothing, or a request for the one-time
    code sent by SMS (given alike whether the code and secret were right or not)."""

    view: CitizenView | None = None
    asks_one_time_code: bool = False


def citizen_lookup(
    code: str,
    secret: str,
    *,
    purpose: str = "status",
    challenged: bool = False,
    one_time_code: str = "",
) -> Lookup:
    """The citizen's view of a complaint, or not; every attempt is audited, never the secret.

    `code` must already be a canonical tracking code. Both outcomes do the same work (one
    look-up of the code, one audit entry), so neither the answer nor its timing tells a
    wrong code from a wrong national code or mobile.

    `challenged` (the code has had repeated failed look-ups): a right code and secret are
    not enough. Without `one_time_code` the answer asks for it, and a code is sent by SMS to
    the complaint's mobile only if the secret was right; with it, the view is shown only if
    the secret and the one-time code are both right. A complaint with no mobile cannot
    receive a code and is answered on its secret, as before.
    """
    view, complaint_id = selectors.citizen_lookup(code, secret)
    answer = Lookup(view=view)
    detail: dict[str, Any] = {"code": code, "purpose": purpose}
    if challenged:
        answer = _challenge(code, view, complaint_id, one_time_code)
        detail["one_time_code"] = "checked" if one_time_code else "asked"
    # The entry is the only write, so it is its own transaction.
    audit.record(
        LOOKUP_ACTION,
        object_type="complaints.complaint",
        object_id=complaint_id or "",
        outcome=AuditEntry.Outcome.OK if answer.view else AuditEntry.Outcome.DENIED,
        detail=detail,
    )
    return answer


def _challenge(
    code: str, view: CitizenView | None, complaint_id: int | None, one_time_code: str
) -> Lookup:
    # The same query and cache work whether the secret was right or not.
    mobile = (
        Complaint.objects.filter(pk=complaint_id or 0).values_list("mobile", flat=True).first()
        or ""
    )
    if view is not None and not mobile:
        return Lookup(view=view)  # nothing to send a code to: the secret alone, as before
    if one_time_code:
        if view is not None and one_time.check(code, one_time_code):
            return Lookup(view=view)
        if view is None:
            one_time.touch(code)  # a stranger's guesses never use up the owner's tries
        return Lookup()
    if view is not None:
        one_time.issue(code, mobile)
    else:
        one_time.decoy(code)
    return Lookup(asks_one_time_code=True)
