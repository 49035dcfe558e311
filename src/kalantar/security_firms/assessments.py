"""Writes of institutions' annual assessments and of sanctions, each audited in its own
transaction. A suspension or revocation goes through the licence's own service, so the
institution's guards leave every roster in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kalantar.core import audit
from kalantar.core.jalali import tehran_today, to_jalali
from kalantar.core.persian import normalize_text
from kalantar.security_firms import assessment_rules, services
from kalantar.security_firms.models import (
    Assessment,
    Finding,
    Indicator,
    Institution,
    LicenceStatus,
    Sanction,
)

FIRST_YEAR = 1390


def current_year() -> int:
    return to_jalali(tehran_today()).year


def _text(value: str) -> str:
    return normalize_text(value or "").strip()


def open_assessment(*, by, institution: Institution, year: int, self_assessment: str = ""):
    """Open the assessment of `institution` for the Jalali `year` (one a year)."""
    if not FIRST_YEAR <= year <= current_year():
        raise ValidationError(
            {"year": _("Choose a year from %(first)s to this year.") % {"first": FIRST_YEAR}}
        )
    with transaction.atomic():
        if Assessment.objects.filter(institution=institution, year=year).exists():
            raise ValidationError({"year": _("This institution is already assessed for the year.")})
        assessment = Assessment.objects.create(
            institution=institution, year=year, self_assessment=_text(self_assessment)
        )
        audit.record(
            "security_firms.assessment_opened",
            actor=by,
            obj=assessment,
            detail={"institution": institution.pk, "year": year},
        )
    return assessment


def _undecided(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.decision != Assessment.Decision.PENDING:
        raise ValidationError(_("The assessment is decided: it can no longer change."))
    return locked


def record_finding(*, by, assessment: Assessment, indicator: Indicator, kind: str, note: str):
    """One finding of the province on one indicator of the standard."""
    note = _text(note)
    if kind not in Finding.Kind.values:
        raise ValidationError({"kind": pgettext("assessment", "Choose a finding from the list.")})
    if not indicator.is_active:
        raise ValidationError({"indicator": _("This indicator is no longer in use.")})
    if not note:
        raise ValidationError({"note": _("Write what was found.")})
    with transaction.atomic():
        locked = _undecided(assessment)
        finding = Finding.objects.create(
            assessment=locked, indicator=indicator, kind=kind, note=note, recorded_by=by
        )
        audit.record(
            "security_firms.finding_recorded",
            actor=by,
            obj=locked,
            detail={"indicator": indicator.code, "kind": kind},
        )
    return finding


def score_of(assessment: Assessment) -> int:
    indicators = Indicator.objects.filter(is_active=True).count()
    findings = assessment.findings.values_list("indicator_id", "kind")
    return assessment_rules.score(indicators, findings)


def decide(*, by, assessment: Assessment, decision: str, note: str = "") -> Assessment:
    """The registrar's decision; the score is fixed with it."""
    note = _text(note)
    if decision not in Assessment.Decision.values or decision == Assessment.Decision.PENDING:
        raise ValidationError({"decision": _("Choose a decision from the list.")})
    if decision != Assessment.Decision.APPROVED and not note:
        raise ValidationError({"note": _("Give the conditions or the reason for the decision.")})
    with transaction.atomic():
        locked = _undecided(assessment)
        kinds = locked.findings.values_list("kind", flat=True)
        if decision == Assessment.Decision.APPROVED and not assessment_rules.may_approve_outright(
            kinds
        ):
            raise ValidationError(
                {
                    "decision": _(
                        "An institution with a must-fix finding cannot be approved outright: "
                        "approve it on conditions, or not at all."
                    )
                }
            )
        locked.score = score_of(locked)
        locked.decision, locked.decision_note = decision, note
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save(
            update_fields=["score", "decision", "decision_note", "decided_by", "decided_at"]
        )
        audit.record(
            "security_firms.assessment_decided",
            actor=by,
            obj=locked,
            detail={"decision": decision, "score": locked.score},
        )
    return locked


_LICENCE_AFTER = {
    Sanction.Kind.SUSPENSION: LicenceStatus.SUSPENDED,
    Sanction.Kind.REVOCATION: LicenceStatus.REVOKED,
}


def _sanction_refusal(institution: Institution, kind: str) -> str | None:
    if institution.status == LicenceStatus.REVOKED:
        return _("The institution's licence is revoked: no further sanction applies.")
    if kind == Sanction.Kind.SUSPENSION and institution.status != LicenceStatus.ACTIVE:
        return _("Only an active licence can be suspended.")
    return None


def impose_sanction(
    *, by, institution: Institution, kind: str, reason: str, assessment: Assessment | None = None
) -> Sanction:
    """A warning, a suspension or a revocation, with its reason."""
    reason = _text(reason)
    if kind not in Sanction.Kind.values:
        raise ValidationError({"kind": _("Choose a sanction from the list.")})
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if assessment is not None and assessment.institution_id != institution.pk:
        raise ValidationError({"assessment": _("The assessment is of another institution.")})
    with transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=institution.pk)
        refusal = _sanction_refusal(locked, kind)
        if refusal:
            raise ValidationError({"kind": refusal})
        sanction = Sanction.objects.create(
            institution=locked, kind=kind, reason=reason, assessment=assessment, imposed_by=by
        )
        if kind in _LICENCE_AFTER:
            services.change_institution_status(
                by=by, institution=locked, status=_LICENCE_AFTER[kind], reason=reason
            )
        audit.record(
            "security_firms.sanction_imposed",
            actor=by,
            obj=sanction,
            detail={"institution": locked.pk, "kind": kind, "reason": reason},
        )
    return sanction


def lift_suspension(*, by, sanction: Sanction, reason: str) -> Sanction:
    """End a suspension: the licence is active again, unless it was revoked since."""
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    with transaction.atomic():
        locked = (
            Sanction.objects.select_for_update().select_related("institution").get(pk=sanction.pk)
        )
        if not locked.may_be_lifted:
            raise ValidationError(_("Only a suspension not yet lifted can be lifted."))
        locked.lifted_by, locked.lifted_at, locked.lift_reason = by, timezone.now(), reason
        locked.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
        if locked.institution.status == LicenceStatus.SUSPENDED:
            services.change_institution_status(
                by=by, institution=locked.institution, status=LicenceStatus.ACTIVE, reason=reason
            )
        audit.record(
            "security_firms.sanction_lifted", actor=by, obj=locked, detail={"reason": reason}
        )
    return locked
