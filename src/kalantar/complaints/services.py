"""Every write to complaints: filing, status changes, assignment, escalation and rating.

Each function is one transaction that writes its audit entry and its timeline event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.complaints import text_limits, workflow
from kalantar.complaints.codes import new_tracking_code
from kalantar.complaints.models import Attachment, Category, Complaint, ComplaintEvent
from kalantar.complaints.signals import complaint_accepted
from kalantar.core import audit, files
from kalantar.core.persian import normalize_for_search, normalize_text, to_latin_digits
from kalantar.core.scoping import can_see_unit
from kalantar.core.sms import send_sms
from kalantar.core.uploads import UploadedFile, attachment_errors
from kalantar.core.validators import is_valid_national_code, normalize_mobile
from kalantar.org.geo_cache import locate_unit
from kalantar.org.models import Unit

# After the first breach a complaint goes to the station chief; if it is still overdue
# this long after that, to the county command.
COUNTY_ESCALATION_AFTER = timedelta(hours=24)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _validate_complainant(
    errors,
    *,
    category: Category | None,
    is_anonymous: bool,
    name: str,
    national_code: str,
    mobile: str,
) -> tuple[str, str]:
    if is_anonymous and category is not None and not category.anonymous_allowed:
        _add(errors, "is_anonymous", _("This kind of complaint cannot be filed anonymously."))
    if not is_anonymous and not name:
        _add(errors, "complainant_name", _("Enter the complainant's name."))
    if national_code and not is_valid_national_code(national_code):
        _add(errors, "national_code", _("Enter a valid national code."))
    elif not is_anonymous and not national_code:
        _add(errors, "national_code", _("Enter the complainant's national code."))
    canonical_mobile = ""
    if mobile:
        try:
            canonical_mobile = normalize_mobile(mobile)
        except ValueError:
            _add(errors, "mobile", _("Enter a valid mobile number, such as 09121234567."))
    return to_latin_digits(national_code).strip(), canonical_mobile


def _route(
    errors, *, by, lat, lon, station: Unit | None, override_reason: str
) -> tuple[Unit | None, Unit | None]:
    """(station that will handle it, station whose jurisdiction holds the place)."""
    located = None
    if lat is not None and lon is not None:
        located = locate_unit(lon, lat)
        if located is None and station is None:
            _add(errors, "location", _("The location is outside every station's jurisdiction."))
    if station is not None:
        if not station.is_station:
            _add(errors, "station", _("Choose a police station or outpost."))
        elif by is not None and not can_see_unit(by, station):
            _add(errors, "station", _("You cannot file complaints for that station."))
        elif located is not None and located != station and not override_reason:
            _add(
                errors,
                "override_reason",
                _(
                    "The place lies in the jurisdiction of %(station)s; say why another "
                    "station should take it."
                )
                % {"station": located.name},
            )
        return station, located
    if located is None and lat is None:
        home = getattr(by, "unit", None)
        if home is not None and home.is_station:
            return home, None
        _add(errors, "location", _("Mark the place of the incident on the map."))
    return located, located


def _inspection_office(station: Unit) -> Unit | None:
    province = station.province()
    if province is None:
        return None
    return Unit.objects.filter(parent=province, kind=Unit.Kind.INSPECTION, is_active=True).first()


def _validate_attachments(errors, files: Sequence[UploadedFile]) -> None:
    for message in attachment_errors(files):
        _add(errors, "attachments", message)


class _Filing(NamedTuple):
    """A complaint's fields as they will be stored, and where it goes."""

    name: str
    national_code: str
    mobile: str
    summary: str
    narrative: str
    override_reason: str
    handling: Unit | None
    located: Unit | None


def _check_lengths(errors, **texts: str) -> None:
    for field, text in texts.items():
        limit = (
            text_limits.NARRATIVE
            if field == "narrative"
            else Complaint._meta.get_field(field).max_length
        )
        if len(text) > limit:
            _add(errors, field, text_limits.too_long(limit, len(text)))


def _handling_unit(
    errors, *, station: Unit | None, category: Category | None, accused_officer: str
) -> Unit | None:
    """Who handles a complaint filed at (or routed to) `station`.

    Conduct routing: a complaint that names an officer goes to the province's inspection
    office whatever its category, as does one whose category is conduct. It must never stay
    where the accused can read it, and the category is only what the filer picked.
    """
    names_officer = bool(accused_officer)
    by_category = category is not None and category.route == Category.Route.INSPECTION
    if station is None or not (names_officer or by_category):
        return station
    office = _inspection_office(station)
    if office is None:
        field = "category" if by_category else "accused_officer"
        _add(errors, field, _("The province has no inspection office to take this."))
    return office


def _check_filing(
    errors,
    *,
    by,
    category: Category | None,
    incident_at: datetime | None,
    summary: str,
    narrative: str,
    lat: float | None,
    lon: float | None,
    location_text: str,
    complainant_name: str,
    national_code: str,
    mobile: str,
    complainant_address: str,
    is_anonymous: bool,
    accused_officer: str,
    station: Unit | None,
    override_reason: str,
    now: datetime,
) -> _Filing:
    """Every check of a complaint's fields, adding to `errors`; the same whatever is missing,
    so that a form can report every mistake in one round."""
    name = normalize_text(complainant_name)
    code, canonical_mobile = _validate_complainant(
        errors,
        category=category,
        is_anonymous=is_anonymous,
        name=name,
        national_code=national_code,
        mobile=mobile,
    )
    if category is not None and not category.is_active:
        _add(errors, "category", _("This category is no longer in use."))
    if incident_at is None:
        _add(errors, "incident_at", _("Enter the time of the incident."))
    elif incident_at > now + timedelta(minutes=5):
        _add(errors, "incident_at", _("The time of the incident cannot be in the future."))
    summary = normalize_text(summary)
    narrative = normalize_text(narrative, multiline=True)
    if not summary:
        _add(errors, "summary", _("Write a one-line summary."))
    if len(narrative) < 10:
        _add(errors, "narrative", _("Describe what happened in a few sentences."))
    override_reason = normalize_text(override_reason)
    accused_officer = normalize_text(accused_officer)
    _check_lengths(
        errors,
        narrative=narrative,
        complainant_name=name,
        complainant_address=normalize_text(complainant_address),
        location_text=normalize_text(location_text),
        summary=summary,
        accused_officer=accused_officer,
        override_reason=override_reason,
    )
    handling, located = _route(
        errors, by=by, lat=lat, lon=lon, station=station, override_reason=override_reason
    )
    handling = _handling_unit(
        errors, station=handling, category=category, accused_officer=accused_officer
    )
    return _Filing(
        name, code, canonical_mobile, summary, narrative, override_reason, handling, located
    )


def filing_errors(
    *,
    by,
    category: Category | None,
    incident_at: datetime | None,
    summary: str = "",
    narrative: str = "",
    lat: float | None = None,
    lon: float | None = None,
    location_text: str = "",
    complainant_name: str = "",
    national_code: str = "",
    mobile: str = "",
    complainant_address: str = "",
    is_anonymous: bool = False,
    accused_officer: str = "",
    station: Unit | None = None,
    override_reason: str = "",
    now: datetime | None = None,
) -> dict[str, list[str]]:
    """What `file_complaint` would refuse in these fields, by field; stores nothing.

    A form whose own checks failed calls this with the fields it could read, so the person
    learns about the name, the national code and the place in the same round as the rest.
    """
    errors: dict[str, list[str]] = {}
    _check_filing(
        errors,
        by=by,
        category=category,
        incident_at=incident_at,
        summary=summary or "",
        narrative=narrative or "",
        lat=lat,
        lon=lon,
        location_text=location_text or "",
        complainant_name=complainant_name or "",
        national_code=national_code or "",
        mobile=mobile or "",
        complainant_address=complainant_address or "",
        is_anonymous=bool(is_anonymous),
        accused_officer=accused_officer or "",
        station=station,
        override_reason=override_reason or "",
        now=now or timezone.now(),
    )
    return errors


def file_complaint(
    *,
    by,
    channel: str,
    category: Category,
    incident_at: datetime,
    summary: str,
    narrative: str,
    lat: float | None = None,
    lon: float | None = None,
    location_text: str = "",
    complainant_name: str = "",
    national_code: str = "",
    mobile: str = "",
    complainant_address: str = "",
    is_anonymous: bool = False,
    accused_officer: str = "",
    station: Unit | None = None,
    override_reason: str = "",
    attachments: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Complaint:
    """Register a complaint and return it; raises ValidationError (by field), storing nothing."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    checked = _check_filing(
        errors,
        by=by,
        category=category,
        incident_at=incident_at,
        summary=summary,
        narrative=narrative,
        lat=lat,
        lon=lon,
        location_text=location_text,
        complainant_name=complainant_name,
        national_code=national_code,
        mobile=mobile,
        complainant_address=complainant_address,
        is_anonymous=is_anonymous,
        accused_officer=accused_officer,
        station=station,
        override_reason=override_reason,
        now=now,
    )
    if channel not in Complaint.Channel.values:
        _add(errors, "channel", _("Unknown channel."))
    _validate_attachments(errors, attachments)
    if errors:
        raise ValidationError(errors)
    name, code, canonical_mobile = checked.name, checked.national_code, checked.mobile
    summary, narrative = checked.summary, checked.narrative
    override_reason, handling, located = checked.override_reason, checked.handling, checked.located

    with transaction.atomic():
        complaint = _create_with_unique_code(
            channel=channel,
            category=category,
            unit=handling,
            routed_unit=located,
            override_reason=override_reason if station is not None else "",
            is_anonymous=is_anonymous,
            complainant_name=name,
            national_code=code,
            mobile=canonical_mobile,
            complainant_address=normalize_text(complainant_address),
            incident_at=incident_at,
            lat=lat,
            lon=lon,
            location_text=normalize_text(location_text),
            summary=summary,
            narrative=narrative,
            search_text=normalize_for_search(f"{summary} {narrative} {name} {location_text}"),
            accused_officer=normalize_text(accused_officer),
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
        if canonical_mobile:
            transaction.on_commit(lambda: _send_receipt_sms(complaint))
    return complaint


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
    from kalantar.complaints.codes import format_tracking_code

    send_sms(
        complaint.mobile,
        _("Your complaint was registered. Tracking code: %(code)s")
        % {"code": format_tracking_code(complaint.tracking_code)},
    )


def _require_scope(by, complaint: Complaint) -> None:
    if not can_see_unit(by, complaint.unit):
        raise ValidationError(_("This complaint is outside your units."))


def change_status(
    *,
    by,
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
        _add(errors, "to_status", _("Assign an officer first: the complaint has none."))
    if len(note) > text_limits.NOTE:
        _add(errors, "note", text_limits.too_long(text_limits.NOTE, len(note)))
    reason_limit = Complaint._meta.get_field("rejection_reason").max_length
    if len(reason) > reason_limit:
        _add(errors, "reason", text_limits.too_long(reason_limit, len(reason)))
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


def assign(*, by, complaints: Iterable[Complaint], officer, now: datetime | None = None) -> int:
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
    overdue = Complaint.objects.overdue(now).select_related("unit", "unit__parent")
    for complaint in overdue.filter(escalation_level=0).iterator():
        _escalate(
            complaint,
            level=1,
            now=now,
            note=_("Overdue: escalated to the chief of %(unit)s.") % {"unit": complaint.unit.name},
        )
        to_chief += 1
    stale = overdue.filter(escalation_level=1)
    for complaint in stale.iterator():
        last = complaint.events.filter(kind=ComplaintEvent.Kind.ESCALATED).order_by("-at").first()
        if last is not None and now - last.at < COUNTY_ESCALATION_AFTER:
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
    """Tell the apps that follow complaints that a station took this one into its work."""
    if to_status in workflow.ACCEPTED:
        complaint_accepted.send(sender=Complaint, complaint=complaint, by=by)


def rate(*, complaint: Complaint, score: int, comment: str = "") -> Complaint:
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
