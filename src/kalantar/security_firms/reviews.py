"""Re-vetting on events: a new incident or complaint naming a guard (by national code)
raises a review for the registrar of the guard's province, who decides; nothing is decided
automatically. The lower apps' named signals bring the events, inside their transactions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.complaints.signals import complaint_filed
from kalantar.core import audit
from kalantar.core.persian import normalize_text, to_latin_digits
from kalantar.core.scoping import can_see_unit
from kalantar.core.validators import is_valid_national_code
from kalantar.incidents.signals import incident_opened
from kalantar.security_firms import services
from kalantar.security_firms.models import Guard, GuardReview

if TYPE_CHECKING:
    from kalantar.complaints.models import Complaint
    from kalantar.incidents.models import Incident
    from kalantar.people.models import User

TEN_DIGITS = re.compile(r"(?<!\d)\d{10}(?!\d)")
REASON_MAX = 500
# The guards who can be reviewed: those on the register, not applicants or rejections.
REVIEWABLE = (Guard.Status.ACTIVE, Guard.Status.SUSPENDED, Guard.Status.EXPIRED)
STATUS_OF_DECISION = {
    GuardReview.Decision.SUSPENSION: Guard.Status.SUSPENDED,
    GuardReview.Decision.REVOCATION: Guard.Status.REVOKED,
}


def national_codes_in(*texts: str) -> set[str]:
    """The valid national codes written in texts (Persian or Latin digits)."""
    found = set()
    for text in texts:
        for match in TEN_DIGITS.findall(to_latin_digits(text or "")):
            if is_valid_national_code(match):
                found.add(match)
    return found


def raise_reviews(*, codes: Iterable[str], incident=None, complaint=None) -> list[GuardReview]:
    """A review for each registered guard among `codes`, once per guard and event."""
    raised = []
    guards = Guard.objects.filter(national_code__in=set(codes), status__in=REVIEWABLE)
    for guard in guards.select_related("institution"):
        review, created = GuardReview.objects.get_or_create(
            guard=guard,
            incident=incident,
            complaint=complaint,
            defaults={"province_id": guard.institution.province_id},
        )
        if created:
            audit.record(
                "security_firms.review_raised",
                obj=review,
                detail={
                    "guard": guard.pk,
                    "incident": incident.number if incident else "",
                    "complaint": complaint.tracking_code if complaint else "",
                },
            )
            raised.append(review)
    return raised


@receiver(incident_opened, dispatch_uid="security_firms.incident_opened")
def _on_incident(sender, *, incident: Incident, named: Iterable[str] = (), **kwargs) -> None:
    codes = national_codes_in(incident.narrative) | {to_latin_digits(c) for c in named}
    if codes:
        raise_reviews(codes=codes, incident=incident)


@receiver(complaint_filed, dispatch_uid="security_firms.complaint_filed")
def _on_complaint(sender, *, complaint: Complaint, **kwargs) -> None:
    # The people a complaint names are in its text; its own national code is the
    # complainant's, who is not under review for complaining.
    codes = national_codes_in(complaint.summary, complaint.narrative, complaint.accused_officer)
    codes.discard(complaint.national_code)
    if codes:
        raise_reviews(codes=codes, complaint=complaint)


def decide(*, by: User, review: GuardReview, decision: str, reason: str) -> GuardReview:
    """The registrar's decision on a review, with its reason; a suspension or revocation
    changes the licence through the register's service, which takes the guard off every
    roster not yet over."""
    reason = normalize_text(reason).strip()
    errors: dict[str, list[str]] = {}
    if decision not in GuardReview.Decision.values:
        errors["decision"] = [_("Choose a decision.")]
    if not reason:
        errors["reason"] = [_("Give the reason for the decision.")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("The reason is too long.")]
    if not can_see_unit(by, review.province):
        errors["review"] = [_("This review belongs to another province.")]
    elif review.decided_at is not None:
        errors["review"] = [_("This review was already decided.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        review.decision, review.reason = decision, reason
        review.decided_by, review.decided_at = by, now
        review.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        status = STATUS_OF_DECISION.get(decision)
        if status is not None:
            # The register's own service: the rosters and the notices follow the licence.
            services.change_status(by=by, guard=review.guard, status=status, reason=reason)
        audit.record(
            "security_firms.review_decided",
            actor=by,
            obj=review,
            detail={"guard": review.guard_id, "decision": decision},
        )
    return review


def open_reviews(user):
    return (
        GuardReview.objects.visible_to(user)
        .open()
        .select_related("guard", "guard__institution", "incident", "complaint")
        .order_by("raised_at")
    )


def history_of(user, guard: Guard):
    """The guard's reviews and decisions, for users who may see the guard's province."""
    return (
        GuardReview.objects.visible_to(user)
        .filter(guard=guard)
        .select_related("incident", "complaint", "decided_by")
        .order_by("-raised_at")
    )
