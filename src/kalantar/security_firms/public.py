"""The public licence check as a step both the page and the API take: counted against the
address's rate, answered from the signed QR or the typed number, and audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from kalantar.core import audit, limits
from kalantar.core.jalali import tehran_today
from kalantar.security_firms import card, selectors

CHECK_GROUP = "security_firms.check"


@dataclass(frozen=True)
class Outcome:
    answer: selectors.PublicAnswer
    via: str  # "number" or "qr"
    forged: bool = False


def over_limit(request: HttpRequest) -> bool:
    # A reading: with the shared cache down the check stays open (core.limits).
    return limits.count(request, group=CHECK_GROUP, rate=settings.GUARD_CHECK_RATE, write=False)


def _from_claim(claim: str) -> Outcome:
    try:
        facts = card.verify_claim(claim)
    except card.ClaimError:
        return Outcome(selectors.NOT_FOUND, "qr", forged=True)
    answer = selectors.public_check(facts.licence_number)
    if answer.status == "valid" and facts.expires < tehran_today():
        # The register may hold a renewed licence, but this card is out of date.
        answer = selectors.PublicAnswer(
            "expired",
            answer.licence_number,
            answer.name,
            answer.institution,
            facts.expires,
            answer.has_photo,
        )
    return Outcome(answer, "qr")


def check(*, number: str = "", claim: str = "") -> Outcome:
    """Answer one question (a claim wins over a number) and audit it."""
    outcome = _from_claim(claim) if claim else Outcome(selectors.public_check(number), "number")
    with transaction.atomic():
        audit.record(
            "security_firms.public_check",
            object_type="security_firms.guard",
            object_id=outcome.answer.licence_number,
            detail={"status": outcome.answer.status, "via": outcome.via, "forged": outcome.forged},
        )
    return outcome
