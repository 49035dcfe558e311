"""Writes of the security-firms register: each checks its input, changes the records and
records its audit entry in one transaction. Bad input raises ValidationError and changes
nothing."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.core import audit, sequences
from kalantar.core.jalali import tehran_today, to_jalali
from kalantar.core.persian import active_digits, format_number, normalize_text
from kalantar.core.sms import queue_sms
from kalantar.core.validators import is_valid_national_code, normalize_national_code
from kalantar.org.geo_cache import locate_unit
from kalantar.org.models import Unit
from kalantar.security_firms import training
from kalantar.security_firms.models import (
    Activity,
    ContractSite,
    Guard,
    Institution,
    InstitutionKey,
    LicenceStatus,
    Post,
    RosterAssignment,
    RosterNotice,
    Shift,
    TrainingPolicy,
    TrainingRecord,
    VettingCheck,
)

MIN_AGE = 18
LICENCE_YEARS = 2
PHOTO_MAX_BYTES = 2 * 1024 * 1024
# Statuses a registrar may set by hand; expiry comes from the calendar, rejection from the
# application desk.
DECIDED = (Guard.Status.ACTIVE, Guard.Status.SUSPENDED, Guard.Status.REVOKED)


# --- Institutions ------------------------------------------------------------------------------


def _clean_activities(values: Iterable[str], allowed: Iterable[str] | None = None) -> list[str]:
    chosen = list(dict.fromkeys(values))
    unknown = [a for a in chosen if a not in Activity.values]
    if unknown or not chosen:
        raise ValidationError({"activities": _("Choose at least one activity from the list.")})
    if allowed is not None:
        outside = [Activity(a).label for a in chosen if a not in set(allowed)]
        if outside:
            raise ValidationError(
                {
                    "activities": _("The institution is not licensed for: %(list)s.")
                    % {"list": "، ".join(str(x) for x in outside)}
                }
            )
    return chosen


def create_institution(*, by, licence_number: str, name: str, province: Unit, **fields):
    """Register a licensed institution of `province`."""
    number = normalize_text(licence_number).strip()
    if not number:
        raise ValidationError({"licence_number": _("Enter the licence number.")})
    if Institution.objects.filter(licence_number=number).exists():
        raise ValidationError(
            {"licence_number": _("An institution with this licence number is registered.")}
        )
    if province.kind != Unit.Kind.PROVINCE:
        raise ValidationError({"province": _("Choose a province.")})
    fields["activities"] = _clean_activities(fields.get("activities") or [])
    if fields["licence_expires"] <= fields["licence_issued"]:
        raise ValidationError({"licence_expires": _("The licence must expire after its issue.")})
    with transaction.atomic():
        institution = Institution.objects.create(
            licence_number=number,
            name=normalize_text(name),
            name_search=normalize_text(name),
            province=province,
            **fields,
        )
        audit.record("security_firms.institution_registered", actor=by, obj=institution)
    return institution


def change_institution_status(*, by, institution: Institution, status: str, reason: str):
    """Suspend, revoke or restore an institution's licence. Its guards may stand at no post
    while it is not active: every roster of theirs is emptied in this transaction."""
    if status not in LicenceStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    reason = normalize_text(reason).strip()
    if status != LicenceStatus.ACTIVE and not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    with transaction.atomic():
        institution = Institution.objects.select_for_update().get(pk=institution.pk)
        old = institution.status
        institution.status, institution.status_reason = status, reason
        institution.status_changed_at = timezone.now()
        institution.save(update_fields=["status", "status_reason", "status_changed_at"])
        removed = 0
        if status != LicenceStatus.ACTIVE:
            for guard in institution.guards.all():
                removed += take_off_rosters(guard, reason=reason, by=by)
        audit.record(
            "security_firms.institution_status_changed",
            actor=by,
            obj=institution,
            detail={"from": old, "to": status, "reason": reason, "taken_off": removed},
        )
    return institution


def issue_institution_key(*, by, institution: Institution, name: str) -> tuple[InstitutionKey, str]:
    """A new API key for the institution's own systems; the raw key is shown once."""
    with transaction.atomic():
        key = InstitutionKey(institution=institution, name=normalize_text(name) or "API")
        raw = key.draw_secret()
        key.save()
        audit.record("security_firms.key_issued", actor=by, obj=institution, detail={"key": key.pk})
    return key, raw


# --- Applications and vetting ------------------------------------------------------------------


def _checked_national_code(value: str, *, exclude: int | None = None) -> str:
    try:
        code = normalize_national_code(value)
    except ValueError:
        code = ""
    if not code or not is_valid_national_code(code):
        raise ValidationError({"national_code": _("Enter a valid national code.")})
    taken = Guard.objects.filter(national_code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {"national_code": _("A guard with this national code is already on the register.")}
        )
    return code


def num(n: int) -> str:
    return format_number(n, digits=active_digits())


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _checked_birth_date(birth: date, today: date) -> date:
    if birth > today:
        raise ValidationError({"birth_date": _("The date of birth is in the future.")})
    if age_on(birth, today) < MIN_AGE:
        raise ValidationError(
            {"birth_date": _("A guard must be at least %(n)s years old.") % {"n": num(MIN_AGE)}}
        )
    return birth


def _store_photo(guard: Guard, photo) -> None:
    if photo is None:
        return
    data = photo.read() if hasattr(photo, "read") else bytes(photo)
    if len(data) > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo is larger than 2 MB.")})
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG")):
        raise ValidationError({"photo": _("The photo must be a JPEG or PNG image.")})
    guard.photo_token = secrets.token_hex(16)
    guard.photo.save(f"{guard.photo_token}.jpg", ContentFile(data), save=False)


def apply(
    *,
    by,
    institution: Institution,
    national_code: str,
    birth_date: date,
    activities: Iterable[str],
    **person,
) -> Guard:
    """An institution's application for a guard: on the register as an applicant, with the
    selection standard's checklist waiting."""
    code = _checked_national_code(national_code)
    _checked_birth_date(birth_date, tehran_today())
    chosen = _clean_activities(activities, institution.activities)
    first = normalize_text(person.get("first_name")).strip()
    last = normalize_text(person.get("last_name")).strip()
    if not first or not last:
        raise ValidationError({"last_name": _("Enter the first and last name.")})
    if institution.status != LicenceStatus.ACTIVE:
        raise ValidationError(_("The institution's licence is not active."))
    with transaction.atomic():
        guard = Guard(
            national_code=code,
            first_name=first,
            last_name=last,
            name_search=f"{first} {last}",
            surname_search=f"{last} {first}",
            birth_date=birth_date,
            mobile=person.get("mobile") or "",
            institution=institution,
            activities=chosen,
        )
        _store_photo(guard, person.get("photo"))
        guard.save()
        VettingCheck.objects.bulk_create(
            VettingCheck(guard=guard, item=item) for item in VettingCheck.Item.values
        )
        audit.record("security_firms.applied", actor=by, obj=guard)
    return guard


def record_check(*, by, guard: Guard, item: str, result: str, note: str = "") -> VettingCheck:
    """One step of the checklist decided, with who decided and when."""
    if result not in VettingCheck.Result.values or item not in VettingCheck.Item.values:
        raise ValidationError(_("Choose a checklist item and a result from the list."))
    with transaction.atomic():
        check, _created = VettingCheck.objects.select_for_update().get_or_create(
            guard=guard, item=item
        )
        check.result, check.note = result, normalize_text(note)
        check.checked_by, check.checked_at = by, timezone.now()
        check.save()
        audit.record(
            "security_firms.check_recorded",
            actor=by,
            obj=guard,
            detail={"item": item, "result": result},
        )
    return check


def training_policies() -> dict[int | None, training.Policy]:
    """Each province's training policy (None: the national default), read once."""
    return {
        row.province_id: training.Policy(
            row.hours_before_deployment,
            row.hours_within_30_days,
            row.hours_within_6_months,
            row.yearly_refresher_hours,
        )
        for row in TrainingPolicy.objects.all()
    }


def policy_for(guard: Guard, policies: dict | None = None) -> training.Policy:
    table = training_policies() if policies is None else policies
    return table.get(guard.institution.province_id) or table.get(None) or training.Policy()


def training_standing(
    guard: Guard, on: date | None = None, policies: dict | None = None
) -> training.Standing:
    """Where the guard stands against the training deadlines; `policies` from
    training_policies() when many guards are checked (and their trainings prefetched)."""
    on = on or tehran_today()
    records = [(t.completed_on, t.hours) for t in guard.trainings.all()]
    return training.standing(policy_for(guard, policies), records, guard.first_deployed_on, on)


def record_training(
    *,
    by,
    guard: Guard,
    course: str,
    hours,
    provider: str,
    completed_on: date,
    certificate_number: str = "",
) -> TrainingRecord:
    """A line of the training ledger."""
    if completed_on > tehran_today():
        raise ValidationError({"completed_on": _("The training date is in the future.")})
    try:
        amount = Decimal(str(hours))
    except InvalidOperation:
        amount = Decimal(0)
    if not Decimal(0) < amount <= Decimal(500):
        raise ValidationError({"hours": _("Enter the hours of the course (more than zero).")})
    if not normalize_text(course).strip() or not normalize_text(provider).strip():
        raise ValidationError({"course": _("Enter the course and its provider.")})
    with transaction.atomic():
        record = TrainingRecord.objects.create(
            guard=guard,
            course=normalize_text(course),
            hours=amount,
            provider=normalize_text(provider),
            completed_on=completed_on,
            certificate_number=normalize_text(certificate_number),
            recorded_by=by,
        )
        audit.record(
            "security_firms.training_recorded",
            actor=by,
            obj=guard,
            detail={"course": record.course, "hours": str(amount)},
        )
    return record


def _next_licence_number() -> str:
    year = to_jalali(tehran_today()).year
    return f"G{year % 100:02d}{sequences.take_one('security_firms.licence', str(year)):07d}"


def issue_licence(*, by, guard: Guard) -> Guard:
    """Licence an applicant whose checklist is complete and whose first hours are done."""
    if guard.status != Guard.Status.APPLICANT:
        raise ValidationError(_("Only an application can be licensed."))
    open_items = guard.checks.exclude(result=VettingCheck.Result.PASSED)
    if open_items.exists():
        labels = "، ".join(str(c.get_item_display()) for c in open_items)
        raise ValidationError(_("The checklist is not complete: %(list)s.") % {"list": labels})
    first = training_standing(guard).steps[0]
    if not first.met:
        raise ValidationError(_("The training before first deployment is not complete."))
    today = tehran_today()
    with transaction.atomic():
        guard.licence_number = _next_licence_number()
        guard.licence_issued = today
        guard.licence_expires = today.replace(year=today.year + LICENCE_YEARS) - timedelta(days=1)
        _set_status(guard, Guard.Status.ACTIVE, "")
        guard.save()
        audit.record(
            "security_firms.licensed",
            actor=by,
            obj=guard,
            detail={"licence": guard.licence_number},
        )
    return guard


def reject_application(*, by, guard: Guard, reason: str) -> Guard:
    reason = normalize_text(reason).strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if guard.status != Guard.Status.APPLICANT:
        raise ValidationError(_("Only an application can be rejected."))
    with transaction.atomic():
        _set_status(guard, Guard.Status.REJECTED, reason)
        guard.save()
        audit.record("security_firms.rejected", actor=by, obj=guard, detail={"reason": reason})
    return guard


def _set_status(guard: Guard, status: str, reason: str) -> None:
    guard.status, guard.status_reason, guard.status_changed_at = status, reason, timezone.now()


def change_status(*, by, guard: Guard, status: str, reason: str) -> int:
    """Suspend, revoke or reinstate a licensed guard. A guard who may no longer stand is
    taken off every roster from now on in this same transaction, and the institution and
    the stations are told. Returns the number of roster places emptied."""
    reason = normalize_text(reason).strip()
    if status not in DECIDED:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    if guard.licence_number is None:
        raise ValidationError(_("This guard has no licence yet."))
    if status == Guard.Status.ACTIVE and guard.status == Guard.Status.REVOKED:
        raise ValidationError(_("A revoked licence cannot be reinstated; apply anew."))
    with transaction.atomic():
        guard = Guard.objects.select_for_update().get(pk=guard.pk)
        old = guard.status
        _set_status(guard, status, reason)
        guard.save(update_fields=["status", "status_reason", "status_changed_at"])
        removed = 0 if status == Guard.Status.ACTIVE else take_off_rosters(guard, reason, by=by)
        audit.record(
            "security_firms.status_changed",
            actor=by,
            obj=guard,
            detail={"from": old, "to": status, "reason": reason, "taken_off": removed},
        )
    return removed


def take_off_rosters(guard: Guard, reason: str, *, by=None) -> int:
    """Empty the guard's places on shifts not yet over; notices to station and institution.
    Runs inside the caller's transaction."""
    now = timezone.now()
    places = list(
        RosterAssignment.objects.on_roster()
        .filter(guard=guard, shift__ends_at__gt=now)
        .select_related("shift__post__site")
        .select_for_update(of=("self",))
    )
    if not places:
        return 0
    RosterAssignment.objects.filter(pk__in=[p.pk for p in places]).update(
        removed_at=now, removed_reason=reason[:300]
    )
    RosterNotice.objects.bulk_create(
        RosterNotice(
            institution_id=guard.institution_id,
            station_id=p.shift.post.site.station_id,
            guard=guard,
            assignment=p,
            reason=reason[:300],
            created_at=now,
        )
        for p in places
    )
    audit.record(
        "security_firms.taken_off_roster",
        actor=by,
        obj=guard,
        detail={"assignments": [p.pk for p in places], "reason": reason},
    )
    phone = guard.institution.head_office_phone
    text = _("Guard %(name)s was taken off %(n)s shifts: %(reason)s") % {
        "name": guard.full_name,
        "n": num(len(places)),
        "reason": reason,
    }
    queue_sms(phone, text)
    return len(places)


def expire_licences(today: date | None = None) -> int:
    """Licences past their expiry become expired, and their holders leave the rosters."""
    today = today or tehran_today()
    count = 0
    for guard in Guard.objects.filter(status=Guard.Status.ACTIVE, licence_expires__lt=today):
        with transaction.atomic():
            _set_status(guard, Guard.Status.EXPIRED, _("The licence expired."))
            guard.save(update_fields=["status", "status_reason", "status_changed_at"])
            take_off_rosters(guard, _("The licence expired."))
            audit.record("security_firms.expired", obj=guard)
        count += 1
    return count


def sweep_overdue_training(today: date | None = None) -> int:
    """Guards on a roster whose training has fallen overdue are taken off it."""
    today = today or tehran_today()
    rostered = (
        Guard.objects.filter(
            assignments__removed_at__isnull=True, assignments__shift__ends_at__gt=timezone.now()
        )
        .distinct()
        .select_related("institution")
        .prefetch_related("trainings")
    )
    count, policies = 0, training_policies()
    for guard in rostered:
        if not training_standing(guard, today, policies).ok:
            with transaction.atomic():
                count += take_off_rosters(guard, _("Training is overdue."))
    return count


# --- Sites, posts, shifts, rosters -------------------------------------------------------------


def create_site(*, by, institution: Institution, name: str, lon: float, lat: float, **fields):
    """A contract site; its station is the one whose jurisdiction holds the point."""
    station = locate_unit(lon, lat)
    if station is None:
        raise ValidationError({"location": _("The location is outside every jurisdiction.")})
    if not normalize_text(name).strip():
        raise ValidationError({"name": _("Enter the site's name.")})
    with transaction.atomic():
        site = ContractSite.objects.create(
            institution=institution,
            name=normalize_text(name),
            lon=lon,
            lat=lat,
            station=station,
            **fields,
        )
        audit.record("security_firms.site_added", actor=by, obj=site)
    return site


def add_post(*, by, site: ContractSite, name: str, activity: str = Activity.GUARDING) -> Post:
    if activity not in Activity.values:
        raise ValidationError({"activity": _("Choose an activity from the list.")})
    with transaction.atomic():
        post = Post.objects.create(site=site, name=normalize_text(name), activity=activity)
        audit.record("security_firms.post_added", actor=by, obj=post)
    return post


def add_shift(*, by, post: Post, starts_at: datetime, ends_at: datetime, needed: int = 1):
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A shift must end after it starts.")})
    if ends_at - starts_at > timedelta(hours=24):
        raise ValidationError({"ends_at": _("A shift is at most 24 hours long.")})
    with transaction.atomic():
        shift = Shift.objects.create(
            post=post, starts_at=starts_at, ends_at=ends_at, guards_needed=needed
        )
        audit.record("security_firms.shift_added", actor=by, obj=shift)
    return shift


def _licence_refusal(guard: Guard, day: date) -> str | None:
    if guard.status != Guard.Status.ACTIVE:
        return _("%(name)s's licence is not active (%(status)s).") % {
            "name": guard.full_name,
            "status": guard.get_status_display(),
        }
    if guard.licence_expires is None or guard.licence_expires < day:
        return _("%(name)s's licence expires before the shift.") % {"name": guard.full_name}
    return None


def _post_refusal(guard: Guard, shift: Shift) -> str | None:
    site = shift.post.site
    if guard.institution_id != site.institution_id:
        return _("%(name)s does not work for the institution that guards this site.") % {
            "name": guard.full_name
        }
    if site.institution.status != LicenceStatus.ACTIVE:
        return _("The institution's licence is not active.")
    if shift.post.activity not in guard.activities:
        return _("%(name)s is not licensed for this post's activity.") % {"name": guard.full_name}
    return None


def refusal_to_roster(guard: Guard, shift: Shift) -> str | None:
    """Why `guard` may not stand on `shift`, in words for the user; None if they may."""
    day = timezone.localtime(shift.starts_at).date()
    refusal = _licence_refusal(guard, day) or _post_refusal(guard, shift)
    if refusal:
        return refusal
    deployed = guard.first_deployed_on or day
    records = guard.trainings.values_list("completed_on", "hours")
    if not training.standing(policy_for(guard), records, deployed, day).ok:
        return _("%(name)s's training is overdue.") % {"name": guard.full_name}
    return None


def assign(*, by, shift: Shift, guard: Guard) -> RosterAssignment:
    """Put a guard on a shift, if the guard may stand there."""
    with transaction.atomic():
        guard = Guard.objects.select_for_update().select_related("institution").get(pk=guard.pk)
        refusal = refusal_to_roster(guard, shift)
        if refusal:
            raise ValidationError({"guard": refusal})
        if shift.assignments.on_roster().filter(guard=guard).exists():
            raise ValidationError({"guard": _("This guard is already on this shift.")})
        busy = RosterAssignment.objects.on_roster().filter(
            guard=guard, shift__starts_at__lt=shift.ends_at, shift__ends_at__gt=shift.starts_at
        )
        if busy.exists():
            raise ValidationError({"guard": _("This guard is on another shift at that time.")})
        if shift.assignments.on_roster().count() >= shift.guards_needed:
            raise ValidationError({"guard": _("The shift is fully staffed.")})
        day = timezone.localtime(shift.starts_at).date()
        if guard.first_deployed_on is None or guard.first_deployed_on > day:
            guard.first_deployed_on = day
            guard.save(update_fields=["first_deployed_on"])
        placed = RosterAssignment.objects.create(shift=shift, guard=guard, assigned_by=by)
        audit.record(
            "security_firms.rostered",
            actor=by,
            obj=guard,
            detail={"shift": shift.pk, "assignment": placed.pk},
        )
    return placed


def unassign(*, by, assignment: RosterAssignment, reason: str) -> None:
    with transaction.atomic():
        RosterAssignment.objects.filter(pk=assignment.pk, removed_at__isnull=True).update(
            removed_at=timezone.now(), removed_reason=normalize_text(reason)[:300]
        )
        audit.record("security_firms.unrostered", actor=by, obj=assignment.guard)
