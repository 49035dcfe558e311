"""Every write to complaints: filing, status changes, assignment, escalation and rating.

Each function is one transaction that writes its audit entry and its timeline event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.complaints import selectors, text_limits, workflow
from kalantar.complaints.codes import format_tracking_code, new_tracking_code
from kalantar.complaints.drafts import ComplaintDraft, add_error
from kalantar.complaints.identity import may_see_identity
from kalantar.complaints.models import Attachment, Complaint, ComplaintEvent
from kalantar.complaints.signals import (
    complaint_accepted,
    complaint_closed,
    complaint_filed,
    conduct_complaint_filed,
)
from kalantar.core import audit, files
from kalantar.core.persian import normalize_for_search, normalize_text
from kalantar.core.scoping import can_see_unit
from kalantar.core.sms import queue_sms
from kalantar.core.uploads import UploadedFile, attachment_errors
from kalantar.core.validators import is_valid_national_code
from kalantar.org.models import Unit

if TYPE_CHECKING:
    from kalantar.people.models import User

# After the first breach a complaint goes to the station chief; if it is still overdue
# this long after that, to the county command.
COUNTY_ESCALATION_AFTER = timedelta(hours=24)


def file_complaint(
    *,
    by: User | None,
    channel: str,
    draft: ComplaintDraft,
    attachments: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Complaint:
    """Register a complaint and return it; raises ValidationError (by field), storing nothing."""
    now = now or timezone.now()
    checked = selectors.check_filing(draft=draft, by=by, now=now)
    errors = {field: list(messages) for field, messages in checked.errors.items()}
    if channel not in Complaint.Channel.values:
        add_error(errors, "channel", _("Unknown channel."))
    for message in attachment_errors(attachments):
        add_error(errors, "attachments", message)
    if errors:
        raise ValidationError(errors)
    clean, category, handling = checked.fields, draft.category, checked.handling
    with transaction.atomic():
        complaint = _create_with_unique_code(
            channel=channel,
            category=category,
            unit=handling,
            routed_unit=checked.located,
            override_reason=clean.override_reason if draft.station is not None else "",
            is_anonymous=draft.is_anonymous,
            complainant_name=clean.complainant_name,
            national_code=clean.national_code,
            mobile=clean.mobile,
            complainant_address=clean.complainant_address,
            incident_at=draft.incident_at,
            lat=draft.lat,
            lon=draft.lon,
            location_text=clean.location_text,
            summary=clean.summary,
            narrative=clean.narrative,
            search_text=normalize_for_search(
                f"{clean.summary} {clean.narrative} {clean.complainant_name} {draft.location_text}"
            ),
            accused_officer=clean.accused_officer,
            received_by=by if getattr(by, "is_authenticated", False) else None,
            filed_at=now,
            first_action_due=now + timedelta(hours=category.first_action_hours),
            closure_due=now + timedelta(days=category.closure_days),
        )
        for upload in attachments:
            _store_attachment(complaint, upload, by)
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=ComplaintEvent.Kind.FILED,
            at=now,
            actor=complaint.received_by,
            to_status=workflow.REGISTERED,
            public=True,
        )
        audit.record(
            "complaints.file",
            actor=by,
            obj=complaint,
            detail={"channel": channel, "category": category.code, "unit": handling.code},
        )
        if handling.kind == Unit.Kind.INSPECTION:
            conduct_complaint_filed.send(sender=Complaint, complaint=complaint, by=by)
        complaint_filed.send(sender=Complaint, complaint=complaint, by=by)
        if clean.mobile:
            _send_receipt_sms(complaint)
    return complaint


@dataclass(frozen=True)
class ReturningComplainant:
    """What the desk form fills in for a complainant who has filed before."""

    complainant_name: str
    mobile: str
    complainant_address: str
    complaints: int  # how many of theirs the officer may see


def complaint_read(*, by: User, code: str) -> Complaint | None:
    """A complaint in `by`'s scope, or None; reading it shows a citizen's personal data, so
    the read is audited in the same transaction."""
    with transaction.atomic():
        complaint = selectors.detail(by, code)
        if complaint is not None:
            audit.record("complaints.read", actor=by, obj=complaint)
    return complaint


def complainant_lookup(*, by: User, national_code: str) -> ReturningComplainant | None:
    """A returning complainant's details, from the latest of their complaints `by` may see;
    an audited read, refused to a user who may not see identities."""
    if not may_see_identity(by) or not is_valid_national_code(national_code):
        return None
    with transaction.atomic():
        previous = selectors.last_complaint_of(by, national_code)
        if previous is None:
            return None
        audit.record("complaints.complainant_lookup", actor=by, obj=previous)
        count = selectors.complaints_of(by, previous.national_code)
    return ReturningComplainant(
        complainant_name=previous.complainant_name,
        mobile=previous.mobile,
        complainant_address=previous.complainant_address,
        complaints=count,
    )


def _create_with_unique_code(**fields) -> Complaint:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Complaint.objects.create(tracking_code=new_tracking_code(), **fields)
        except IntegrityError:
            continue  # a code collision among a billion codes: draw again
    raise RuntimeError("could not draw a unique tracking code")


def _store_attachment(complaint: Complaint, upload: UploadedFile, by) -> Attachment:
    uploader = by if getattr(by, "is_authenticated", False) else None
    upload = UploadedFile(normalize_text(upload.name), upload.content_type, upload.data)
    return files.store(Attachment(complaint=complaint, uploaded_by=uploader), upload)


def _send_receipt_sms(complaint: Complaint) -> None:
    queue_sms(
        complaint.mobile,
        _("Your complaint was registered. Tracking code: %(code)s")
        % {"code": format_tracking_code(complaint.tracking_code)},
    )


def _require_scope(by, complaint: Complaint) -> None:
    if not can_see_unit(by, complaint.unit):
        raise ValidationError(_("This complaint is outside your units."))


def change_status(
    *,
    by: User,
    complaint: Complaint,
    to_status: str,
    note: str = "",
    reason: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Move a complaint along the workflow; refuses moves the workflow does not allow."""
    now = now or timezone.now()
    _require_scope(by, complaint)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        current = complaint.status
        if not workflow.can_move(current, to_status):
            raise ValidationError(
                _("A complaint that is “%(current)s” cannot become “%(target)s”.")
                % {
                    "current": workflow.status_label(current),
                    "target": workflow.status_label(to_status),
                }
            )
        reason = normalize_text(reason)
        if workflow.needs_reason(to_status) and not reason:
            raise ValidationError({"reason": [_("Give the reason for rejecting the complaint.")]})
        note = normalize_text(note, multiline=True)
        _check_status_step(complaint, to_status, note=note, reason=reason)
        complaint.status = to_status
        _mark_times(complaint, to_status, now)
        if to_status == workflow.REJECTED:
            complaint.rejection_reason = reason
        complaint.save()
        ComplaintEvent.objects.create(
            complaint=complaint,
            kind=ComplaintEvent.Kind.STATUS,
            at=now,
            actor=by,
            from_status=current,
            to_status=to_status,
            note=reason or note,
            public=True,
        )
        _announce_acceptance(complaint, to_status=to_status, by=by)
        audit.record(
            "complaints.status", actor=by, obj=complaint, detail={"from": current, "to": to_status}
        )
    return complaint


def _check_status_step(complaint: Complaint, to_status: str, *, note: str, reason: str) -> None:
    """What a status change needs besides the workflow's permission: an officer before the
    complaint reads "assigned" to the citizen, and texts within their limits."""
    errors: dict[str, list[str]] = {}
    if to_status == workflow.ASSIGNED and complaint.assigned_to_id is None:
        add_error(errors, "to_status", _("Assign an officer first: the complaint has none."))
    if len(note) > text_limits.NOTE:
        add_error(errors, "note", text_limits.too_long(text_limits.NOTE, len(note)))
    reason_limit = Complaint._meta.get_field("rejection_reason").max_length
    if len(reason) > reason_limit:
        add_error(errors, "reason", text_limits.too_long(reason_limit, len(reason)))
    if errors:
        raise ValidationError(errors)


def _mark_times(complaint: Complaint, to_status: str, now: datetime) -> None:
    if complaint.first_action_at is None:
        complaint.first_action_at = now
    if to_status in workflow.FINISHED_STATUSES and complaint.finished_at is None:
        complaint.finished_at = now
    if to_status == workflow.CLOSED:
        complaint.closed_at = now


def _serves_in(officer, unit: Unit) -> bool:
    """An officer serves a unit that contains theirs, or that theirs contains."""
    home = officer.unit
    return home is not None and (unit.path.startswith(home.path) or home.path.startswith(unit.path))


def assign_complaints(
    *, by: User, complaints: Iterable[Complaint], officer: User | None, now: datetime | None = None
) -> int:
    """Give complaints to an officer of their unit; registered ones become assigned."""
    now = now or timezone.now()
    complaints = list(complaints)
    if officer is None or not officer.is_active:
        raise ValidationError(_("Choose an active officer."))
    for complaint in complaints:
        _require_scope(by, complaint)
        if not _serves_in(officer, complaint.unit):
            raise ValidationError(
                _("%(officer)s does not serve in the unit handling %(code)s.")
                % {
                    "officer": officer.get_full_name() or officer.username,
                    "code": complaint.tracking_code,
                }
            )
        if not complaint.is_open:
            raise ValidationError(
                _("Complaint %(code)s is finished and cannot be assigned.")
                % {"code": complaint.tracking_code}
            )
    with transaction.atomic():
        for complaint in complaints:
            complaint.assigned_to = officer
            previous = complaint.status
            if previous == workflow.REGISTERED:
                complaint.status = workflow.ASSIGNED
                _mark_times(complaint, workflow.ASSIGNED, now)
            complaint.save()
            ComplaintEvent.objects.create(
                complaint=complaint,
                kind=ComplaintEvent.Kind.ASSIGNED,
                at=now,
                actor=by,
                from_status=previous,
                to_status=complaint.status,
                note=officer.get_full_name() or officer.username,
                public=previous != complaint.status,
            )
            _announce_acceptance(complaint, to_status=complaint.status, by=by)
            audit.record(
                "complaints.assign", actor=by, obj=complaint, detail={"officer": officer.username}
            )
    return len(complaints)


def escalate_overdue(*, now: datetime | None = None) -> tuple[int, int]:
    """Escalate overdue complaints: to the station chief, then to the county command.

    Returns (sent to chiefs, sent to county commands). Safe to run as often as wanted.
    """
    now = now or timezone.now()
    to_chief = to_county = 0
    for complaint in selectors.overdue_at_level(0, now=now):
        _escalate(
            complaint,
            level=1,
            now=now,
            note=_("Overdue: escalated to the chief of %(unit)s.") % {"unit": complaint.unit.name},
        )
        to_chief += 1
    for complaint in selectors.overdue_at_level(1, now=now):
        last = selectors.last_escalation(complaint)
        if last is not None and now - last < COUNTY_ESCALATION_AFTER:
            continue
        county = complaint.unit.parent
        _escalate(
            complaint,
            level=2,
            now=now,
            note=_("Still overdue: escalated to %(unit)s.")
            % {"unit": county.name if county else "—"},
        )
        to_county += 1
    return to_chief, to_county


def _escalate(complaint: Complaint, *, level: int, now: datetime, note: str) -> None:
    with transaction.atomic():
        updated = Complaint.objects.filter(pk=complaint.pk, escalation_level=level - 1).update(
            escalation_level=level
        )
        if not updated:
            return  # another run escalated it first
        ComplaintEvent.objects.create(
            complaint=complaint, kind=ComplaintEvent.Kind.ESCALATED, at=now, note=note
        )
        audit.record("complaints.escalate", obj=complaint, detail={"level": level})


def _announce_acceptance(complaint: Complaint, *, to_status: str, by) -> None:
    """Tell the apps that follow complaints that a station took this one into its work, or
    closed it."""
    if to_status in workflow.ACCEPTED:
        complaint_accepted.send(sender=Complaint, complaint=complaint, by=by)
    elif to_status == workflow.CLOSED:
        complaint_closed.send(sender=Complaint, complaint=complaint, by=by)


def rate_complaint(*, complaint: Complaint, score: int, comment: str = "") -> Complaint:
    """The citizen's rating of a closed complaint (once)."""
    if complaint.status != workflow.CLOSED:
        raise ValidationError(_("You can rate the service once your complaint is closed."))
    if complaint.satisfaction is not None:
        raise ValidationError(_("This complaint has already been rated."))
    if score not in range(1, 6):
        raise ValidationError({"score": [_("Choose a score from 1 to 5.")]})
    comment = normalize_text(comment)
    if len(comment) > text_limits.COMMENT:
        raise ValidationError(
            {"comment": [text_limits.too_long(text_limits.COMMENT, len(comment))]}
        )
    with transaction.atomic():
        complaint.satisfaction = score
        complaint.satisfaction_comment = comment
        complaint.save(update_fields=["satisfaction", "satisfaction_comment"])
        ComplaintEvent.objects.create(
            complaint=complaint, kind=ComplaintEvent.Kind.RATED, note=str(score)
        )
        audit.record("complaints.rate", obj=complaint, detail={"score": score})
    return complaint
