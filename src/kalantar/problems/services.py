"""Every write to problems, agencies and referrals: one transaction each, audited."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kalantar.analytics import services as analytics_services
from kalantar.analytics.models import SurgeAlert
from kalantar.analytics.stats import poisson_z
from kalantar.complaints.models import Complaint
from kalantar.core import audit, sequences
from kalantar.core import files as stored_files
from kalantar.core.jalali import TEHRAN, display_date, tehran_today, to_jalali
from kalantar.core.persian import normalize_text
from kalantar.core.scoping import can_see_unit
from kalantar.core.uploads import UploadedFile, attachment_errors
from kalantar.incidents import categories as categories_module
from kalantar.org.models import Unit
from kalantar.people.models import User
from kalantar.problems import areas, links, selectors, workflow
from kalantar.problems.drafts import AgencyDraft, ProblemDraft
from kalantar.problems.models import (
    Action,
    Agency,
    AgencyContact,
    Assessment,
    Problem,
    ProblemAttachment,
    Referral,
    ReferralAttachment,
    ReferralEvent,
)
from kalantar.problems.triggers import alert_trigger

# Reminders: this many days before the deadline, and again when it has passed.
REMIND_BEFORE_DAYS = 2
# An overdue referral goes to the county command at once, to the province after this.
PROVINCE_ESCALATION_AFTER = timedelta(days=7)


def _require(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _text(value: str, *, multiline: bool = False) -> str:
    return normalize_text(value or "", multiline=multiline)


def _check_files(files: Sequence[UploadedFile], errors: dict[str, list[str]]) -> None:
    for message in attachment_errors(files):
        errors.setdefault("files", []).append(message)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- Agencies ---------------------------------------------------------------------------------


def create_agency(*, by: User | None, unit: Unit | None, draft: AgencyDraft) -> Agency:
    name, kind = _text(draft.name), draft.kind
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the agency's name.")]
    if kind not in Agency.Kind.values:
        errors["kind"] = [_("Choose the kind of agency.")]
    if by is not None and not can_see_unit(by, unit):
        errors["unit"] = [_("You cannot register agencies for this unit.")]
    if name and Agency.objects.filter(unit=unit, name=name).exists():
        errors["name"] = [_("An agency with this name is already registered here.")]
    _require(errors)
    with transaction.atomic():
        agency = Agency.objects.create(
            unit=unit,
            name=name,
            name_en=draft.name_en.strip(),
            kind=kind,
            email=draft.email.strip(),
            phone=draft.phone.strip(),
            address=_text(draft.address),
        )
        for contact in draft.contacts:
            AgencyContact.objects.create(agency=agency, **contact)
        audit.record("problems.agency.create", actor=by, obj=agency, detail={"name": name})
    return agency


def add_contact(
    *, by: User | None, agency: Agency, name: str, title: str = "", email: str = "", phone: str = ""
) -> AgencyContact:
    name = _text(name)
    if not name:
        raise ValidationError({"name": [_("Enter the contact's name.")]})
    with transaction.atomic():
        contact = AgencyContact.objects.create(
            agency=agency, name=name, title=_text(title), email=email.strip(), phone=phone.strip()
        )
        audit.record("problems.agency.contact", actor=by, obj=agency, detail={"contact": name})
    return contact


# --- Problems ---------------------------------------------------------------------------------


def _next_number(prefix: str) -> str:
    """The next number of `prefix` in this Jalali year: P-<unit>-1405-0007 (inside the
    caller's transaction, so a rolled-back write gives its number back)."""
    year = to_jalali(tehran_today()).year
    return f"{prefix}-{year}-{sequences.take_one(prefix, str(year)):04d}"


def _check_period(start: date | None, end: date | None, errors, field: str) -> None:
    if start is None or end is None:
        errors.setdefault(field, []).append(_("Give both the start and the end of the period."))
    elif end < start:
        errors.setdefault(field, []).append(_("The end of the period is before its start."))


def open_problem(
    *,
    by: User | None,
    unit: Unit | None,
    origin: str,
    draft: ProblemDraft,
    alert_id: int | None = None,
    complaints: Sequence[Complaint] = (),
) -> Problem:
    """A project of `unit`; `alert_id` is the surge alert it answers, `complaints` those it
    is about."""
    title = _text(draft.title)
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = [_("Give the project a title.")]
    if unit is None or not (unit.is_station or unit.kind == Unit.Kind.COUNTY):
        errors["unit"] = [_("A project belongs to a station, an outpost or a county command.")]
    elif by is not None and not can_see_unit(by, unit):
        errors["unit"] = [_("You cannot open projects for this unit.")]
    if origin not in Problem.Origin.values:
        errors["origin"] = [_("Say where the project comes from.")]
    _check_period(draft.period_start, draft.period_end, errors, "period_end")
    try:
        cells = areas.valid_cells(draft.area_cells)
    except areas.AreaError as exc:
        errors["area_cells"] = [_("%(cell)s is not a usable H3 cell.") % {"cell": exc}]
        cells = []
    _require(errors)
    with transaction.atomic():
        problem = Problem.objects.create(
            number=_next_number(f"P-{unit.code}"),
            title=title,
            unit=unit,
            origin=origin,
            period_start=draft.period_start,
            period_end=draft.period_end,
            categories=list(draft.categories),
            area_cells=cells,
            trigger=_text(draft.trigger, multiline=True),
            alert_id=alert_id,
            hotspot_cell=draft.hotspot_cell,
            created_by=by,
        )
        if complaints:
            problem.complaints.set(complaints)
        audit.record(
            "problems.open",
            actor=by,
            obj=problem,
            detail={"number": problem.number, "origin": origin, "alert": alert_id},
        )
    return problem


def open_problem_by_hand(
    *,
    by: User | None,
    unit: Unit | None,
    draft: ProblemDraft,
    complaint_codes: Sequence[str] = (),
) -> Problem:
    """A project opened from the form: the complaints are those among `complaint_codes` the
    person may see, and the origin follows from the hotspot cell and the complaints."""
    complaints = selectors.complaints_by_codes(by, complaint_codes) if complaint_codes else []
    hotspot_cell = (draft.hotspot_cell or "").strip()[:20]
    return open_problem(
        by=by,
        unit=unit,
        origin=workflow.origin_by_hand(hotspot_cell=hotspot_cell, complaints=len(complaints)),
        draft=replace(draft, hotspot_cell=hotspot_cell),
        complaints=complaints,
    )


def open_problem_from_alert(*, by: User | None, alert: SurgeAlert, title: str = "") -> Problem:
    """A project for a surge alert: its station, its category, the four weeks up to its day.
    The alert is marked through analytics' own audited service, in the same transaction."""
    if by is not None and not can_see_unit(by, alert.station):
        raise ValidationError(_("You cannot open projects for this station."))
    existing = selectors.problem_from_alert(alert.pk)
    if existing is not None:
        raise ValidationError(
            _("Project %(number)s was already opened from this alert.")
            % {"number": existing.number}
        )
    with transaction.atomic():
        draft = ProblemDraft(
            title=title
            or _("Rise in %(category)s") % {"category": categories_module.label(alert.category)},
            period_start=alert.day - timedelta(days=27),
            period_end=alert.day,
            categories=[alert.category],
            trigger=alert_trigger(alert),
        )
        problem = open_problem(
            by=by,
            unit=alert.station,
            origin=Problem.Origin.ALERT,
            draft=draft,
            alert_id=alert.pk,
        )
        analytics_services.set_alert_status(
            by=by, alert=alert, status=SurgeAlert.Status.PROJECT_OPENED
        )
    return problem


def update_scanning(
    *,
    by: User | None,
    problem: Problem,
    title: str,
    categories: Sequence[str],
    area_cells: Sequence[str],
    period_start: date | None,
    period_end: date | None,
    trigger: str,
) -> Problem:
    errors: dict[str, list[str]] = {}
    title = _text(title)
    if not title:
        errors["title"] = [_("Give the project a title.")]
    _check_period(period_start, period_end, errors, "period_end")
    try:
        cells = areas.valid_cells(area_cells)
    except areas.AreaError as exc:
        errors["area_cells"] = [_("%(cell)s is not a usable H3 cell.") % {"cell": exc}]
        cells = []
    _require(errors)
    with transaction.atomic():
        problem.title = title
        problem.categories = list(categories)
        problem.area_cells = cells
        problem.period_start, problem.period_end = period_start, period_end
        problem.trigger = _text(trigger, multiline=True)
        problem.save()
        audit.record("problems.scanning", actor=by, obj=problem, detail={"cells": len(cells)})
    return problem


def update_analysis(
    *,
    by: User | None,
    problem: Problem,
    offender_notes: str,
    victim_notes: str,
    place_notes: str,
    analysis_summary: str,
    files: Sequence[UploadedFile] = (),
) -> Problem:
    errors: dict[str, list[str]] = {}
    _check_files(files, errors)
    _require(errors)
    with transaction.atomic():
        problem.offender_notes = _text(offender_notes, multiline=True)
        problem.victim_notes = _text(victim_notes, multiline=True)
        problem.place_notes = _text(place_notes, multiline=True)
        problem.analysis_summary = _text(analysis_summary, multiline=True)
        if problem.stage == Problem.Stage.SCANNING:
            problem.stage = Problem.Stage.ANALYSIS
        problem.save()
        for f in files:
            stored_files.store(ProblemAttachment(problem=problem, uploaded_by=by), f)
        audit.record("problems.analysis", actor=by, obj=problem, detail={"files": len(files)})
    return problem


def set_response_period(
    *, by: User | None, problem: Problem, start: date | None, end: date | None
) -> Problem:
    errors: dict[str, list[str]] = {}
    _check_period(start, end, errors, "response_end")
    _require(errors)
    with transaction.atomic():
        problem.response_start, problem.response_end = start, end
        if problem.stage in (Problem.Stage.SCANNING, Problem.Stage.ANALYSIS):
            problem.stage = Problem.Stage.RESPONSE
        problem.save()
        audit.record(
            "problems.response_period",
            actor=by,
            obj=problem,
            detail={"start": start, "end": end},
        )
    return problem


def add_action(
    *,
    by: User | None,
    problem: Problem,
    kind: str,
    description: str,
    starts_on: date | None,
    due_on: date | None,
    owner: User | None = None,
) -> Action:
    errors: dict[str, list[str]] = {}
    description = _text(description)
    if kind not in Action.Kind.values:
        errors["kind"] = [_("Choose the kind of action.")]
    if not description:
        errors["description"] = [_("Describe the action.")]
    _check_period(starts_on, due_on, errors, "due_on")
    if owner is not None and not (owner.unit_id and owner.unit.path.startswith(problem.unit.path)):
        errors["owner"] = [_("The owner must belong to the project's unit.")]
    _require(errors)
    with transaction.atomic():
        action = Action.objects.create(
            problem=problem,
            kind=kind,
            description=description,
            owner=owner,
            starts_on=starts_on,
            due_on=due_on,
        )
        if problem.stage in (Problem.Stage.SCANNING, Problem.Stage.ANALYSIS):
            problem.stage = Problem.Stage.RESPONSE
            problem.save(update_fields=["stage"])
        audit.record("problems.action", actor=by, obj=problem, detail={"action": action.pk})
    return action


def complete_action(*, by: User | None, action: Action) -> Action:
    with transaction.atomic():
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
        audit.record(
            "problems.action.done", actor=by, obj=action.problem, detail={"action": action.pk}
        )
    return action


def close_problem(*, by: User | None, problem: Problem) -> Problem:
    if problem.referrals.filter(status__in=Referral.OPEN_STATUSES).exists():
        raise ValidationError(_("Close or settle the open referrals before closing the project."))
    with transaction.atomic():
        problem.stage = Problem.Stage.CLOSED
        problem.closed_at = timezone.now()
        problem.save(update_fields=["stage", "closed_at"])
        audit.record("problems.close", actor=by, obj=problem)
    return problem


# --- Referrals --------------------------------------------------------------------------------


def _recipients(agency: Agency) -> list[str]:
    addresses = [agency.email] if agency.email else []
    addresses += [c.email for c in agency.contacts.all() if c.is_primary and c.email]
    return list(dict.fromkeys(addresses))


def _email(referral: Referral, template: str, subject_id: str, **params) -> bool:
    """Send one message about `referral` to its agency; False when it has no address."""
    to = _recipients(referral.agency)
    if not to:
        return False
    context = {
        "referral": referral,
        "answer_url": links.answer_url(referral),
        "status_url": links.status_url(referral),
    }
    # Agencies read Persian whatever language the sender's page was in.
    with translation.override("fa"):
        body = render_to_string(template, context)
        subject = _(subject_id) % params
    message = EmailMessage(subject=subject, body=body, to=to)
    # Sent after commit: a rolled-back referral never reaches the agency.
    transaction.on_commit(lambda: message.send(fail_silently=True))
    return True


def send_referral(
    *,
    by: User | None,
    problem: Problem,
    agency: Agency | None,
    subject: str,
    evidence: str,
    ask: str,
    deadline: date | None,
) -> Referral:
    errors: dict[str, list[str]] = {}
    subject, ask = _text(subject), _text(ask, multiline=True)
    evidence = _text(evidence, multiline=True)
    _check_agency(by, agency, errors)
    _check_deadline(deadline, errors)
    if not subject:
        errors["subject"] = [_("Give the referral a subject.")]
    if not ask:
        errors["ask"] = [_("Say what the agency is asked to do.")]
    if not evidence:
        errors["evidence"] = [_("Give the evidence for the problem.")]
    if not problem.is_open:
        errors["__all__"] = [_("This project is closed.")]
    _require(errors)
    with transaction.atomic():
        referral = Referral.objects.create(
            reference=_next_number(f"R-{problem.unit.code}"),
            problem=problem,
            agency=agency,
            subject=subject,
            evidence=evidence,
            ask=ask,
            deadline=deadline,
            link_nonce=secrets.token_hex(8),
            created_by=by,
        )
        _mail_referral(by, referral)
        _start_response(problem)
        audit.record(
            "problems.referral.send",
            actor=by,
            obj=referral,
            detail={"reference": referral.reference, "agency": agency.pk, "deadline": deadline},
        )
    return referral


def _check_agency(by: User | None, agency: Agency | None, errors: dict[str, list[str]]) -> None:
    """An active agency the sender may see (an unseen one reads as not chosen)."""
    if agency is None:
        errors["agency"] = [_("Choose the agency the referral is sent to.")]
    elif not agency.is_active:
        errors["agency"] = [_("This agency is no longer active.")]
    elif by is not None and not Agency.objects.visible_to(by).filter(pk=agency.pk).exists():
        errors["agency"] = [_("Choose the agency the referral is sent to.")]


def _check_deadline(deadline: date | None, errors: dict[str, list[str]]) -> None:
    if deadline is None:
        errors["deadline"] = [_("Give a deadline for the answer.")]
    elif deadline < tehran_today():
        errors["deadline"] = [_("The deadline has already passed.")]


def _mail_referral(by: User | None, referral: Referral) -> None:
    """E-mail the referral to its agency and note how it went: by mail, or by letter."""
    emailed = _email(
        referral,
        "problems/email/referral.txt",
        gettext_noop("Referral %(ref)s from the police: %(subject)s"),
        ref=referral.reference,
        subject=referral.subject,
    )
    ReferralEvent.objects.create(
        referral=referral,
        kind=ReferralEvent.Kind.SENT,
        status=Referral.Status.SENT,
        actor=by,
        note=_("Sent by e-mail.") if emailed else _("No e-mail address: send the letter."),
    )


def _start_response(problem: Problem) -> None:
    """A first referral moves a project still being scanned or analysed to its response."""
    if problem.stage in (Problem.Stage.SCANNING, Problem.Stage.ANALYSIS):
        problem.stage = Problem.Stage.RESPONSE
        problem.save(update_fields=["stage"])


def answer_referral(
    *,
    token: str,
    status: str,
    note: str = "",
    responder: str = "",
    reason: str = "",
    files: Sequence[UploadedFile] = (),
) -> Referral:
    """The agency's answer through its link. Every answer is audited; a bad one changes
    nothing."""
    referral = selectors.referral_for_link(token)
    errors: dict[str, list[str]] = {}
    responder, note, reason = _text(responder), _text(note, multiline=True), _text(reason)
    if not workflow.agency_can_move(referral.status, status):
        errors["status"] = [_("This answer is not possible at the referral's current step.")]
    if status == workflow.DECLINED and not reason:
        errors["reason"] = [_("Give the reason for declining.")]
    if not responder:
        errors["responder"] = [_("Give your name and position.")]
    _check_files(files, errors)
    _require(errors)
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if not workflow.agency_can_move(referral.status, status):
            raise ValidationError(
                {"status": [_("This answer is not possible at the referral's current step.")]}
            )
        previous = referral.status
        referral.status = status
        if referral.acknowledged_at is None:
            referral.acknowledged_at = now
        if status in Referral.FINAL_STATUSES:
            referral.answered_at = now
        if status == workflow.DECLINED:
            referral.declined_reason = reason
        referral.save()
        event = ReferralEvent.objects.create(
            referral=referral,
            kind=ReferralEvent.Kind.ANSWER,
            status=status,
            note=note,
            responder=responder,
        )
        for f in files:
            stored_files.store(ReferralAttachment(referral=referral, event=event), f)
        audit.record(
            "problems.referral.answer",
            obj=referral,
            detail={
                "via": "link",
                "from": previous,
                "to": status,
                "responder": responder,
                "files": [_digest(f.data) for f in files],
            },
        )
    return referral


def close_referral(*, by: User | None, referral: Referral, note: str = "") -> Referral:
    if referral.status not in Referral.FINAL_STATUSES:
        raise ValidationError(_("Only a referral the agency has answered can be closed."))
    if referral.closed_at is not None:
        raise ValidationError(_("This referral is already closed."))
    with transaction.atomic():
        referral.closed_at = timezone.now()
        referral.link_nonce = secrets.token_hex(8)  # the answer link stops working
        referral.save(update_fields=["closed_at", "link_nonce"])
        ReferralEvent.objects.create(
            referral=referral, kind=ReferralEvent.Kind.CLOSED, actor=by, note=_text(note)
        )
        audit.record("problems.referral.close", actor=by, obj=referral)
    return referral


def follow_up_referrals(*, now: datetime | None = None) -> tuple[int, int, int]:
    """Reminders before the deadline, overdue marking with a reminder and escalation to the
    county, then escalation to the province. Returns (reminded, overdue, to_province)."""
    now = now or timezone.now()
    today = now.astimezone(TEHRAN).date()
    reminded = overdue = to_province = 0
    soon = Referral.objects.filter(
        status__in=Referral.PENDING_STATUSES,
        reminded_before_at__isnull=True,
        deadline__lte=today + timedelta(days=REMIND_BEFORE_DAYS),
        deadline__gte=today,
    )
    for referral in soon.select_related("agency"):
        with transaction.atomic():
            referral.reminded_before_at = now
            referral.save(update_fields=["reminded_before_at"])
            _email(
                referral,
                "problems/email/reminder.txt",
                gettext_noop("Reminder: referral %(ref)s"),
                ref=referral.reference,
            )
            ReferralEvent.objects.create(
                referral=referral,
                kind=ReferralEvent.Kind.REMINDER,
                at=now,
                note=_("Reminder before the deadline."),
            )
            audit.record("problems.referral.remind", obj=referral, detail={"when": "before"})
        reminded += 1
    late = Referral.objects.filter(status__in=Referral.PENDING_STATUSES, deadline__lt=today)
    for referral in late.select_related("agency"):
        with transaction.atomic():
            referral.status = Referral.Status.OVERDUE
            referral.reminded_after_at = now
            referral.escalation = Referral.Escalation.COUNTY
            referral.save(update_fields=["status", "reminded_after_at", "escalation"])
            _email(
                referral,
                "problems/email/overdue.txt",
                gettext_noop("Overdue: referral %(ref)s"),
                ref=referral.reference,
            )
            ReferralEvent.objects.create(
                referral=referral,
                kind=ReferralEvent.Kind.OVERDUE,
                status=Referral.Status.OVERDUE,
                at=now,
                note=_("The deadline has passed; a reminder was sent."),
            )
            ReferralEvent.objects.create(
                referral=referral,
                kind=ReferralEvent.Kind.ESCALATED,
                at=now,
                note=_("Escalated to the county command."),
            )
            audit.record("problems.referral.overdue", obj=referral, detail={"escalation": 1})
        overdue += 1
    cutoff = (now - PROVINCE_ESCALATION_AFTER).astimezone(TEHRAN).date()
    stale = Referral.objects.filter(
        status=Referral.Status.OVERDUE, escalation=Referral.Escalation.COUNTY, deadline__lt=cutoff
    )
    for referral in stale:
        with transaction.atomic():
            referral.escalation = Referral.Escalation.PROVINCE
            referral.save(update_fields=["escalation"])
            ReferralEvent.objects.create(
                referral=referral,
                kind=ReferralEvent.Kind.ESCALATED,
                at=now,
                note=_("Escalated to the provincial command."),
            )
            audit.record("problems.referral.escalate", obj=referral, detail={"escalation": 2})
        to_province += 1
    return reminded, overdue, to_province


# --- Assessment -------------------------------------------------------------------------------


def assess_problem(*, by: User | None, problem: Problem, today: date | None = None) -> Assessment:
    """Counts in the area and in its buffer ring over the response period and the equal
    period just before it, with the Poisson z-score of each change."""
    today = today or tehran_today()
    if problem.response_start is None or problem.response_end is None:
        raise ValidationError(_("Set the response period before asking for an assessment."))
    if today <= problem.response_end:
        raise ValidationError(
            _("The response period has not ended yet: an assessment is possible from %(day)s.")
            % {"day": _jalali(problem.response_end + timedelta(days=1))}
        )
    length = (problem.response_end - problem.response_start).days + 1
    after = (problem.response_start, problem.response_end)
    before = (
        problem.response_start - timedelta(days=length),
        problem.response_start - timedelta(days=1),
    )
    area, ring = selectors.area_and_ring(problem)
    counts = {}
    for name, cells, own_unit in (("area", area, True), ("ring", ring, False)):
        for when, (first, last) in (("before", before), ("after", after)):
            counts[(name, when)] = selectors.count_incidents(
                problem, cells=cells, own_unit=own_unit, first=first, last=last
            )
    with transaction.atomic():
        assessment = Assessment.objects.create(
            problem=problem,
            before_start=before[0],
            before_end=before[1],
            after_start=after[0],
            after_end=after[1],
            area_before=counts[("area", "before")],
            area_after=counts[("area", "after")],
            area_z=poisson_z(counts[("area", "after")], counts[("area", "before")]),
            ring_before=counts[("ring", "before")],
            ring_after=counts[("ring", "after")],
            ring_z=poisson_z(counts[("ring", "after")], counts[("ring", "before")]),
            computed_by=by,
        )
        if problem.stage != Problem.Stage.CLOSED:
            problem.stage = Problem.Stage.ASSESSMENT
            problem.save(update_fields=["stage"])
        audit.record(
            "problems.assess",
            actor=by,
            obj=problem,
            detail={f"{a}_{b}": n for (a, b), n in counts.items()},
        )
    return assessment


def _jalali(day: date) -> str:
    return display_date(day)
