"""Every write to inspection: opening a case, its steps, interviews, documents, footage,
reads of a case, and the early-intervention reviews. One transaction each, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.complaints import selectors as complaint_selectors
from kalantar.complaints import services as complaint_services
from kalantar.complaints import workflow as complaint_flow
from kalantar.complaints.models import Complaint
from kalantar.core import audit, files
from kalantar.core.persian import normalize_text
from kalantar.core.scoping import can_see_unit
from kalantar.core.uploads import UploadedFile, attachment_errors
from kalantar.core.validators import normalize_mobile
from kalantar.evidence import services as evidence_services
from kalantar.evidence.models import EvidenceItem
from kalantar.inspection import workflow
from kalantar.inspection.drafts import CaseReport
from kalantar.inspection.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseFootage,
    Interview,
    Review,
)
from kalantar.org.models import Unit


def inspection_office(unit: Unit) -> Unit | None:
    """The inspection office of the unit's province (the office itself for an office)."""
    if unit.kind == Unit.Kind.INSPECTION:
        return unit
    return complaint_selectors.inspection_office(unit)


def _case_errors(*, by, source_kind, station, office, accused_officer, summary, mobile) -> dict:
    errors: dict[str, list[str]] = {}
    if mobile is not None and not mobile:
        errors["complainant_mobile"] = [_("Enter a mobile number such as 09121234567.")]
    if source_kind not in Case.Source.values:
        errors["source_kind"] = [_("Unknown source of a case.")]
    if not summary:
        errors["summary"] = [_("Write what the case is about.")]
    if station is not None and not station.is_station:
        errors["station"] = [_("Choose a police station or outpost.")]
    if office is None:
        errors["station"] = [_("The province has no inspection office to take this case.")]
        return errors
    if accused_officer is not None and (
        accused_officer.unit is None or inspection_office(accused_officer.unit) != office
    ):
        errors["accused_officer"] = [
            _(
                "This officer serves in another province; the case belongs to that "
                "province's inspection office."
            )
        ]
    if getattr(by, "is_authenticated", False) and not can_see_unit(by, office):
        errors["station"] = [_("You may open cases only for your own province.")]
    return errors


def _mobile(value: str) -> str | None:
    """The number normalised; "" when it is not a mobile number; None when none was given."""
    if not value:
        return None
    try:
        return normalize_mobile(value)
    except ValueError:
        return ""


def open_case(
    *, by, report: CaseReport, office: Unit | None = None, now: datetime | None = None
) -> Case:
    """Open a case for the inspection office of the station's province. Raises
    ValidationError (by field), storing nothing."""
    now = now or timezone.now()
    summary = normalize_text(report.summary).strip()
    station = report.station
    if office is None and station is not None:
        office = inspection_office(station)
    errors = _case_errors(
        by=by,
        source_kind=report.source_kind,
        station=station,
        office=office,
        accused_officer=report.accused_officer,
        summary=summary,
        mobile=_mobile(report.complainant_mobile),
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.create(
            source_kind=report.source_kind,
            source_reference=normalize_text(report.source_reference)[:40],
            tracking_code=report.tracking_code,
            complainant_name=normalize_text(report.complainant_name)[:150],
            complainant_mobile=_mobile(report.complainant_mobile) or "",
            accused_officer=report.accused_officer,
            accused_name=normalize_text(report.accused_name)[:150],
            station=station,
            office=office,
            summary=summary[:300],
            opened_by=by if getattr(by, "is_authenticated", False) else None,
            opened_at=now,
            step_due=workflow.due_after(workflow.RECEIVED, now),
        )
        CaseEvent.objects.create(
            case=case, to_status=workflow.RECEIVED, at=now, actor=case.opened_by
        )
        audit.record(
            "inspection.case_opened",
            actor=case.opened_by,
            obj=case,
            detail={"source": report.source_kind, "reference": case.source_reference},
        )
    return case


def _visible(by, case: Case) -> Case:
    """The case locked for a write, when `by` may see it; PermissionDenied otherwise."""
    found = Case.objects.visible_to(by).select_for_update(of=("self",)).filter(pk=case.pk).first()
    if found is None:
        raise PermissionDenied
    return found


def read_case(*, by, case: Case) -> Case:
    """Note the read of a case (every read is audited); the caller found it through
    selectors.case_for, so `by` may see it."""
    with transaction.atomic():
        audit.record("inspection.case_viewed", actor=by, obj=case)
    return case


@dataclass(frozen=True)
class Step:
    """What an inspector asks of a case: the plain next step, a finding or a measure."""

    action: str  # "next" | "finding" | "measure"
    note: str = ""
    finding: str = ""
    measure: str = ""


def _check_step(case: Case, step: Step) -> str:
    """The status the step moves the case to; ValidationError when it may not."""
    if step.action == "finding":
        if case.status != workflow.INVESTIGATION:
            raise ValidationError({"finding": [_("A finding comes after the investigation.")]})
        if step.finding not in dict(workflow.FINDING_CHOICES):
            raise ValidationError({"finding": [_("Choose a finding from the list.")]})
        if not step.note:
            raise ValidationError({"note": [_("Give the reason for the finding.")]})
        return workflow.FINDING
    if step.action == "measure":
        if case.status != workflow.FINDING:
            raise ValidationError(
                {
                    "measure": [
                        _(
                            "A measure can be recorded only after the investigation has "
                            "reached a finding."
                        )
                    ]
                }
            )
        if step.measure not in dict(workflow.MEASURE_CHOICES):
            raise ValidationError({"measure": [_("Choose a measure from the list.")]})
        return workflow.MEASURES
    if step.action == "next" and case.status in workflow.PLAIN_NEXT:
        return workflow.PLAIN_NEXT[case.status]
    raise ValidationError(_("This case cannot take that step now."))


def take_step(*, by, case: Case, step: Step, now: datetime | None = None) -> Case:
    """Move a case one step on; each step with its note, deadline and audit entry."""
    now = now or timezone.now()
    step = Step(step.action, normalize_text(step.note).strip(), step.finding, step.measure)
    with transaction.atomic():
        case = _visible(by, case)
        to_status = _check_step(case, step)
        if step.action == "finding":
            case.finding, case.finding_reason = step.finding, step.note
        if step.action == "measure":
            case.measure, case.measure_note = step.measure, step.note
        case.status = to_status
        case.step_due = workflow.due_after(to_status, now)
        if to_status == workflow.CLOSED:
            case.closed_at = now
        case.save()
        CaseEvent.objects.create(case=case, to_status=to_status, at=now, actor=by, note=step.note)
        _follow_complaint(case, by=by, now=now)
        audit.record(
            "inspection.case_step",
            actor=by,
            obj=case,
            detail={"to": to_status, "finding": step.finding, "measure": step.measure},
        )
    return case


def _follow_complaint(case: Case, *, by, now: datetime) -> None:
    """Keep the source complaint's own status in step with its case, so the citizen's page
    does not say "waiting for an officer" beside an inspection under way. Only an inspector
    of the office that handles the complaint moves it (the complaints services check it)."""
    complaint = _source_complaint(case)
    if complaint is None or complaint.unit_id != case.office_id or by.unit_id != case.office_id:
        return
    if case.status == workflow.PRELIMINARY and complaint.status == complaint_flow.REGISTERED:
        complaint_services.assign_complaints(by=by, complaints=[complaint], officer=by, now=now)
    elif case.status == workflow.INVESTIGATION and complaint.status == complaint_flow.ASSIGNED:
        complaint_services.change_status(
            by=by, complaint=complaint, to_status=complaint_flow.INVESTIGATING, now=now
        )
    elif case.status == workflow.CLOSED and complaint.status == complaint_flow.INVESTIGATING:
        complaint_services.change_status(
            by=by, complaint=complaint, to_status=complaint_flow.RESOLVED, now=now
        )


def add_interview(
    *, by, case: Case, person: str, role: str, held_on: date, summary: str
) -> Interview:
    person, summary = normalize_text(person).strip(), normalize_text(summary).strip()
    errors: dict[str, list[str]] = {}
    if not person:
        errors["person"] = [_("Name the person heard.")]
    if role not in Interview.Role.values:
        errors["role"] = [_("Choose who the person is.")]
    if not summary:
        errors["summary"] = [_("Write what they said.")]
    if held_on > timezone.localdate():
        errors["held_on"] = [_("An interview cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = _visible(by, case)
        interview = Interview.objects.create(
            case=case, person=person, role=role, held_on=held_on, summary=summary, recorded_by=by
        )
        audit.record("inspection.interview", actor=by, obj=case, detail={"role": role})
    return interview


def attach_document(*, by, case: Case, upload: UploadedFile) -> CaseDocument:
    errors = attachment_errors([upload])
    if errors:
        raise ValidationError({"file": errors})
    with transaction.atomic():
        case = _visible(by, case)
        document = files.store(CaseDocument(case=case, added_by=by), upload)
        audit.record(
            "inspection.document", actor=by, obj=case, detail={"name": document.original_name}
        )
    return document


def footage_candidates(case: Case):
    """The recordings that may bear on a case: its station's, around the case's time."""
    if case.station_id is None:
        return EvidenceItem.objects.none()
    since = case.opened_at - timedelta(days=30)
    return EvidenceItem.objects.filter(station=case.station, uploaded_at__gte=since).exclude(
        pk__in=case.footage.values("item")
    )


def link_footage(*, by, case: Case, item: EvidenceItem) -> CaseFootage:
    """Link a recording of the case's station to the case; when the case came from a
    complaint, the evidence app's complaint link lets the inspectors play it there."""
    if not footage_candidates(case).filter(pk=item.pk).exists():
        raise ValidationError({"item": [_("Choose a recording of the case's station.")]})
    with transaction.atomic():
        case = _visible(by, case)
        link = CaseFootage.objects.create(case=case, item=item, linked_by=by)
        complaint = _source_complaint(case)
        if complaint is not None:
            evidence_services.link_complaint(by=by, item=item, complaint=complaint)
        audit.record("inspection.footage_linked", actor=by, obj=case, detail={"item": item.pk})
    return link


def _source_complaint(case: Case) -> Complaint | None:
    if not case.tracking_code:
        return None
    return Complaint.objects.filter(tracking_code=case.tracking_code).first()


# --- Early-intervention reviews ---------------------------------------------------------------


def record_review_outcome(*, by, review: Review, outcome: str, note: str) -> Review:
    """The supervisor or the inspection office closes a review with what support follows."""
    note = normalize_text(note).strip()
    errors: dict[str, list[str]] = {}
    if outcome not in Review.Outcome.values:
        errors["outcome"] = [_("Choose an outcome from the list.")]
    if not note:
        errors["outcome_note"] = [_("Say what the review found.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = (
            Review.objects.visible_to(by)
            .select_for_update(of=("self",))
            .filter(pk=review.pk)
            .first()
        )
        if review is None:
            raise PermissionDenied
        if review.closed_at is not None:
            raise ValidationError(_("This review is already closed."))
        review.outcome, review.outcome_note = outcome, note
        review.closed_at, review.closed_by = timezone.now(), by
        review.save()
        audit.record("inspection.review_closed", actor=by, obj=review, detail={"outcome": outcome})
    return review
