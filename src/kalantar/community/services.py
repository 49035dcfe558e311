"""Every write of the community app: one transaction each, audited inside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.community import rules
from kalantar.community.models import (
    Alert,
    Assignment,
    Attendance,
    CheckAnswer,
    HoursEntry,
    Neighbourhood,
    Recognition,
    SafetyReport,
    Subscriber,
    SubscriberCount,
    TrainingSession,
    Volunteer,
    WatchGroup,
)
from kalantar.core import audit, counters
from kalantar.core.sms import queue_sms
from kalantar.core.validators import normalize_mobile, normalize_national_code

UNSUBSCRIBE_SALT = "community.unsubscribe"


# --- Neighbourhoods and groups ------------------------------------------------------------


def _area_cells(area: dict, typed: str) -> list[str]:
    try:
        cells = rules.polygon_cells(area) if area else rules.typed_cells(typed)
    except rules.AreaError as exc:
        raise ValidationError(
            {"area": _("The area could not be read: draw it again on the map or check the cells.")}
        ) from exc
    return cells


@transaction.atomic
def add_neighbourhood(*, by, station, name: str, name_en: str = "", area: dict) -> Neighbourhood:
    cells = _area_cells(area, "")
    if not cells:
        raise ValidationError({"area": _("Draw the neighbourhood on the map.")})
    if Neighbourhood.objects.filter(station=station, name=name).exists():
        raise ValidationError({"name": _("This station already has a neighbourhood of this name.")})
    hood = Neighbourhood.objects.create(
        station=station, name=name, name_en=name_en, area=area, cells=cells
    )
    audit.record("community.neighbourhood_added", actor=by, obj=hood, detail={"cells": len(cells)})
    return hood


@transaction.atomic
def add_group(*, by, neighbourhood, name: str, programme: str, contact_officer=None) -> WatchGroup:
    if contact_officer is not None and contact_officer.unit_id != neighbourhood.station_id:
        raise ValidationError(
            {"contact_officer": _("The contact officer must serve at the group's station.")}
        )
    group = WatchGroup.objects.create(
        station=neighbourhood.station,
        neighbourhood=neighbourhood,
        name=name,
        programme=programme,
        contact_officer=contact_officer,
    )
    audit.record("community.group_added", actor=by, obj=group)
    return group


# --- Volunteers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class VolunteerDraft:
    full_name: str
    national_code: str
    mobile: str
    programme: str
    group: WatchGroup | None = None
    area: dict | None = None
    cells_text: str = ""
    skills: str = ""
    references: str = ""


@transaction.atomic
def register_volunteer(*, by, station, draft: VolunteerDraft) -> Volunteer:
    code = normalize_national_code(draft.national_code)
    if Volunteer.objects.filter(national_code=code).exists():
        raise ValidationError({"national_code": _("A volunteer with this national code exists.")})
    if draft.group is not None:
        station = draft.group.station
    if station is None or not station.is_station:
        raise ValidationError({"group": _("Choose the volunteer's group (it names the station).")})
    volunteer = Volunteer.objects.create(
        station=station,
        group=draft.group,
        programme=draft.programme,
        full_name=draft.full_name,
        national_code=code,
        mobile=normalize_mobile(draft.mobile),
        area=draft.area or {},
        cells=_area_cells(draft.area or {}, draft.cells_text),
        skills=draft.skills,
        references=draft.references,
    )
    audit.record("community.volunteer_registered", actor=by, obj=volunteer)
    return volunteer


@transaction.atomic
def request_check(*, by, volunteer: Volunteer) -> None:
    if volunteer.check_answer:
        raise ValidationError(_("The background check has already been answered."))
    volunteer.check_requested_at = timezone.now()
    volunteer.save(update_fields=["check_requested_at"])
    audit.record("community.check_requested", actor=by, obj=volunteer)


@transaction.atomic
def answer_check(*, by, volunteer: Volunteer, answer: str, letter: str, references: str) -> None:
    if volunteer.check_requested_at is None:
        raise ValidationError(_("Request the background check before recording its answer."))
    if volunteer.check_answer:
        raise ValidationError(_("The background check has already been answered."))
    if answer not in CheckAnswer.values:
        raise ValidationError({"answer": _("Choose the answer of the background check.")})
    volunteer.check_answer, volunteer.check_letter = answer, letter
    volunteer.check_answered_at = timezone.now()
    if references:
        volunteer.references = references
    volunteer.save(
        update_fields=["check_answer", "check_letter", "check_answered_at", "references"]
    )
    audit.record("community.check_answered", actor=by, obj=volunteer, detail={"answer": answer})


def _assignable(volunteer: Volunteer) -> None:
    if not volunteer.check_answer:
        raise ValidationError(
            _(
                "This volunteer cannot be given a duty yet: the background check has no answer. "
                "Record the answer of the check first."
            )
        )
    if volunteer.check_answer != CheckAnswer.CLEARED:
        raise ValidationError(
            _("This volunteer cannot be given a duty: the background check did not clear them.")
        )


@transaction.atomic
def assign(*, by, volunteer: Volunteer, title: str, starts_on: date, ends_on=None) -> Assignment:
    _assignable(volunteer)
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The end comes before the start.")})
    assignment = Assignment.objects.create(
        volunteer=volunteer, title=title, starts_on=starts_on, ends_on=ends_on, created_by=by
    )
    audit.record("community.assigned", actor=by, obj=volunteer, detail={"duty": title})
    return assignment


@transaction.atomic
def log_hours(
    *, by, volunteer: Volunteer, worked_on: date, hours: Decimal, note: str
) -> HoursEntry:
    if not Decimal("0") < hours <= Decimal("24"):
        raise ValidationError({"hours": _("Hours of one day are more than zero and at most 24.")})
    if worked_on > timezone.localdate():
        raise ValidationError({"worked_on": _("Hours cannot be logged for a day to come.")})
    entry = HoursEntry.objects.create(
        volunteer=volunteer, worked_on=worked_on, hours=hours, note=note, recorded_by=by
    )
    audit.record("community.hours_logged", actor=by, obj=entry, detail={"hours": str(hours)})
    return entry


@transaction.atomic
def decide_hours(*, by, entry: HoursEntry, approve: bool, note: str = "") -> None:
    if entry.status != HoursEntry.Status.WAITING:
        raise ValidationError(_("These hours have already been decided."))
    if not approve and not note:
        raise ValidationError({"note": _("Say why the hours are declined.")})
    entry.status = HoursEntry.Status.APPROVED if approve else HoursEntry.Status.DECLINED
    entry.decided_by, entry.decided_at, entry.decision_note = by, timezone.now(), note
    entry.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(
        "community.hours_approved" if approve else "community.hours_declined", actor=by, obj=entry
    )


@transaction.atomic
def recognise(*, by, volunteer: Volunteer, title: str, given_on: date) -> Recognition:
    recognition = Recognition.objects.create(
        volunteer=volunteer, title=title, given_on=given_on, given_by=by
    )
    audit.record("community.recognised", actor=by, obj=volunteer, detail={"title": title})
    return recognition


@transaction.atomic
def add_session(*, by, station, group, title: str, held_on: date, trainer: str) -> TrainingSession:
    if group is not None:
        station = group.station
    session = TrainingSession.objects.create(
        station=station, group=group, title=title, held_on=held_on, trainer=trainer
    )
    audit.record("community.session_added", actor=by, obj=session)
    return session


@transaction.atomic
def record_attendance(*, by, session: TrainingSession, present: list[Volunteer]) -> int:
    """Mark who came: every volunteer of the session's station listed present, others absent."""
    wanted = {v.pk for v in present}
    if any(v.station_id != session.station_id for v in present):
        raise ValidationError(_("Only the station's own volunteers attend its sessions."))
    session.attendance_set.exclude(volunteer_id__in=wanted).update(present=False)
    for volunteer in present:
        Attendance.objects.update_or_create(
            session=session, volunteer=volunteer, defaults={"present": True}
        )
    audit.record(
        "community.attendance_recorded", actor=by, obj=session, detail={"present": len(wanted)}
    )
    return len(wanted)


def link_account(*, by, volunteer: Volunteer, user) -> None:
    with transaction.atomic():
        volunteer.user = user
        volunteer.save(update_fields=["user"])
        audit.record("community.account_linked", actor=by, obj=volunteer)


# --- Subscribers and consent -----------------------------------------------------------------


@dataclass(frozen=True)
class SubscriptionDraft:
    neighbourhood: Neighbourhood
    mobile: str
    kind: str
    topics: list[str]
    min_priority: int
    quiet_from: time | None = None
    quiet_to: time | None = None


@transaction.atomic
def subscribe(*, draft: SubscriptionDraft) -> Subscriber:
    """Record consent (its time and text version); the same number in the same neighbourhood
    gives its consent again with the new choices."""
    if not draft.topics:
        raise ValidationError({"topics": _("Choose at least one topic.")})
    mobile = normalize_mobile(draft.mobile)
    subscriber = Subscriber.objects.filter(neighbourhood=draft.neighbourhood, mobile=mobile).first()
    if subscriber is not None and subscriber.withdrawn_at is None:
        _count(subscriber, -1)  # the old choices stop counting; the new ones count below
    subscriber = subscriber or Subscriber(neighbourhood=draft.neighbourhood, mobile=mobile)
    subscriber.kind, subscriber.topics = draft.kind, f",{','.join(sorted(set(draft.topics)))},"
    subscriber.min_priority = draft.min_priority
    subscriber.quiet_from, subscriber.quiet_to = draft.quiet_from, draft.quiet_to
    subscriber.consented_at, subscriber.consent_version = timezone.now(), rules.CONSENT_VERSION
    subscriber.withdrawn_at = None
    subscriber.save()
    _count(subscriber, +1)
    # The number is the person: the audit keeps the act, not the number.
    audit.record("community.subscribed", obj=subscriber, detail={"version": rules.CONSENT_VERSION})
    return subscriber


def unsubscribe_token(subscriber: Subscriber) -> str:
    return signing.dumps(subscriber.pk, salt=UNSUBSCRIBE_SALT)


def subscriber_from_token(token: str) -> Subscriber | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=pk).first()


@transaction.atomic
def withdraw(*, subscriber: Subscriber) -> bool:
    """Withdraw consent; True when it was given until now (a second click changes nothing)."""
    if subscriber.withdrawn_at is not None:
        return False
    subscriber.withdrawn_at = timezone.now()
    subscriber.save(update_fields=["withdrawn_at"])
    _count(subscriber, -1)
    audit.record("community.consent_withdrawn", obj=subscriber)
    return True


def _count(subscriber: Subscriber, delta: int) -> None:
    """Add `delta` to the counts of each of the subscriber's topics (see SubscriberCount)."""
    key = {
        "neighbourhood_id": subscriber.neighbourhood_id,
        "min_priority": subscriber.min_priority,
        "quiet": rules.quiet_key(subscriber.quiet_from, subscriber.quiet_to),
    }
    for topic in subscriber.topic_list:
        counters.add(SubscriberCount, {**key, "topic": topic}, count=delta)


@transaction.atomic
def recount_subscribers() -> int:
    """Rebuild the subscriber counts from the subscribers, for rows written in bulk outside
    `subscribe` (imports, benchmarks); returns the number of count rows."""
    SubscriberCount.objects.all().delete()
    tally: dict[tuple, int] = {}
    consenting = Subscriber.objects.filter(withdrawn_at__isnull=True).values_list(
        "neighbourhood_id", "topics", "min_priority", "quiet_from", "quiet_to"
    )
    for hood, topics, priority, start, end in consenting.iterator(chunk_size=10_000):
        for topic in filter(None, topics.split(",")):
            key = (hood, topic, priority, rules.quiet_key(start, end))
            tally[key] = tally.get(key, 0) + 1
    SubscriberCount.objects.bulk_create(
        SubscriberCount(neighbourhood_id=h, topic=t, min_priority=p, quiet=q, count=n)
        for (h, t, p, q), n in tally.items()
    )
    return len(tally)


# --- Alerts ------------------------------------------------------------------------------------


def recipients(*, neighbourhood: Neighbourhood, topic: str, priority: int):
    """The subscribers who consented to this neighbourhood, topic and priority now."""
    return Subscriber.objects.filter(
        neighbourhood=neighbourhood,
        withdrawn_at__isnull=True,
        min_priority__lte=priority,
        topics__contains=f",{topic},",
    )


@transaction.atomic
def compose_alert(
    *, by, neighbourhood: Neighbourhood, topic: str, priority: int, text: str
) -> Alert:
    """Queue an alert; the sender (a periodic job) fans it out and sends it. Refuses text
    that identifies anyone, and an area where nobody would receive it."""
    if rules.identifying_numbers(text):
        raise ValidationError(
            {
                "text": _(
                    "The text carries a national code or a mobile number. An alert must never "
                    "identify a victim or a suspect: remove the number."
                )
            }
        )
    if not recipients(neighbourhood=neighbourhood, topic=topic, priority=priority).exists():
        raise ValidationError(
            _(
                "Nobody in this neighbourhood has subscribed to this topic at this priority: "
                "the alert was not queued."
            )
        )
    alert = Alert.objects.create(
        station=neighbourhood.station,
        neighbourhood=neighbourhood,
        topic=topic,
        priority=priority,
        text=text,
        created_by=by,
    )
    audit.record("community.alert_queued", actor=by, obj=alert, detail={"topic": topic})
    return alert


# --- Safety reports -------------------------------------------------------------------------

DISTINGUISHING = (
    "clothing_top",
    "clothing_bottom",
    "shoes",
    "hair",
    "build",
    "age",
    "vehicle",
    "carrying",
    "marks",
)
NEEDED_DETAILS = 2


@dataclass(frozen=True)
class ReportDraft:
    neighbourhood: Neighbourhood
    behaviour: str
    what_happened: str
    happened_at: datetime
    place: str
    details: dict
    appearance: str = ""
    mobile: str = ""


def _check_person(draft: ReportDraft) -> None:
    """A description of a person needs two distinguishing details besides appearance: a
    report that names only how someone looks profiles a group, not a person."""
    given = [k for k in DISTINGUISHING if (draft.details.get(k) or "").strip()]
    if (draft.appearance or given) and len(given) < NEEDED_DETAILS:
        raise ValidationError(
            {
                "appearance": _(
                    "To describe a person, give at least two distinguishing details besides "
                    "appearance (clothes, shoes, hair, build, age, vehicle, what they carried, "
                    "marks), or leave the person's description empty."
                )
            }
        )


@transaction.atomic
def file_report(*, by=None, volunteer: Volunteer | None = None, draft: ReportDraft) -> SafetyReport:
    _check_person(draft)
    if draft.happened_at > timezone.now():
        raise ValidationError({"happened_at": _("The time is in the future.")})
    details = {k: v.strip() for k, v in draft.details.items() if k in DISTINGUISHING and v.strip()}
    report = SafetyReport.objects.create(
        station=draft.neighbourhood.station,
        neighbourhood=draft.neighbourhood,
        volunteer=volunteer,
        mobile=normalize_mobile(draft.mobile) if draft.mobile else "",
        behaviour=draft.behaviour,
        what_happened=draft.what_happened,
        happened_at=draft.happened_at,
        place=draft.place,
        details=details,
        appearance=draft.appearance,
    )
    audit.record("community.report_filed", actor=by, obj=report)
    return report


@transaction.atomic
def review_report(*, by, report: SafetyReport, reply: str) -> None:
    if report.status == SafetyReport.Status.REVIEWED:
        raise ValidationError(_("This report has already been reviewed."))
    if not reply:
        raise ValidationError({"reply": _("Write the reply the reporter will receive.")})
    report.status, report.reply = SafetyReport.Status.REVIEWED, reply
    report.reviewed_by, report.reviewed_at = by, timezone.now()
    report.save(update_fields=["status", "reply", "reviewed_by", "reviewed_at"])
    audit.record("community.report_reviewed", actor=by, obj=report)
    if report.mobile:
        text = _("Police station, about your safety report: %(reply)s") % {"reply": reply}
        # Queued with the review: sent once it commits, retried while the gateway refuses.
        queue_sms(report.mobile, text, message_id=f"community.reply:{report.pk}")
