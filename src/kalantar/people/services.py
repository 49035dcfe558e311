"""Writes about people: accounts, roles and API tokens, each audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalantar.core import audit
from kalantar.core.models import AuditEntry
from kalantar.core.persian import normalize_text, to_latin_digits
from kalantar.org.models import Unit
from kalantar.people import selectors
from kalantar.people.models import (
    ApiToken,
    Certificate,
    Commendation,
    Course,
    OfficerProfile,
    Posting,
    TrainingRequirement,
    User,
)
from kalantar.people.roles import ROLE_CODES, get_role, sync_roles
from kalantar.people.second_factor import RECOVERY_CODE_COUNT, is_totp_code, normalize_code
from kalantar.people.selectors import has_authenticator


def add_user(
    *,
    by: User | None,
    username: str,
    role: str,
    unit_code: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    check_password: bool = True,
) -> User:
    """Create an account in a unit with one role. Raises ValidationError, changing nothing."""
    username = normalize_text(username)
    errors = []
    if not username:
        errors.append(_("Enter a username."))
    elif User.objects.filter(username__iexact=username).exists():
        errors.append(_("The username “%(username)s” is taken.") % {"username": username})
    if get_role(role) is None:
        errors.append(
            _("Unknown role “%(role)s”. Known roles: %(roles)s.")
            % {"role": role, "roles": ", ".join(ROLE_CODES)}
        )
    unit = Unit.objects.filter(code=normalize_text(unit_code).upper()).first()
    if unit is None:
        errors.append(_("Unknown unit “%(code)s”.") % {"code": unit_code})
    if check_password and not errors:
        try:
            # The whole account, so the password is checked against the names as well.
            candidate = User(
                username=username,
                first_name=normalize_text(first_name),
                last_name=normalize_text(last_name),
            )
            validate_password(password, candidate)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            unit=unit,
            first_name=normalize_text(first_name),
            last_name=normalize_text(last_name),
            is_staff=role == "sysadmin",
        )
        group = Group.objects.filter(name=role).first()
        if group is None:
            sync_roles()
            group = Group.objects.get(name=role)
        user.groups.add(group)
        audit.record(
            "people.user.create",
            actor=by,
            obj=user,
            detail={"username": username, "role": role, "unit": unit.code},
        )
    return user


def create_token(
    *, by: User | None, user: User, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a bearer token; the raw token is returned once and never stored."""
    if not user.is_active:
        raise ValidationError(_("The account is not active."))
    days = settings.API_TOKEN_DAYS if days is None else days
    if days < 1:
        raise ValidationError(_("A token must be valid for at least one day."))
    token = ApiToken(
        user=user, name=normalize_text(name), expires_at=timezone.now() + timedelta(days=days)
    )
    raw = token.draw_secret()
    with transaction.atomic():
        token.save()
        audit.record(
            "people.token.create",
            actor=by,
            obj=token,
            detail={"user": user.username, "days": days},
        )
    return token, raw


def revoke_token(*, by: User | None, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("people.token.revoke", actor=by, obj=token)


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    token = ApiToken.objects.select_related("user", "user__unit").matching(raw)
    if token is None or not token.user.is_active:
        return None
    token.note_use()
    return token.user


# Two-factor login ------------------------------------------------------------------------


class SecondFactorError(ValidationError):
    """A code refused at enrolment or verification; the message says why."""


def start_authenticator(*, user: User) -> TOTPDevice:
    """The authenticator of an enrolment in progress: created once, the same on every reload
    of the enrolment page until its first code confirms it."""
    with transaction.atomic():
        if has_authenticator(user):
            raise SecondFactorError(_("Two-factor login is already set up for this account."))
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def confirm_authenticator(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with its first code and issue recovery codes.

    Returns the device and the recovery codes, which are shown once. A wrong code raises
    SecondFactorError and changes nothing but the device's throttle."""
    code = normalize_code(code)
    with transaction.atomic():
        if has_authenticator(user):
            raise SecondFactorError(_("Two-factor login is already set up for this account."))
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise SecondFactorError(_("Start the set-up again: no authenticator is waiting."))
        # The refusal is raised after the transaction: the throttle's count must be kept.
        refusal = _refusal(device, code) if is_totp_code(code) else _("The code is not right.")
        if refusal is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _replace_recovery_codes(user)
            audit.record(
                "people.second_factor.enrol",
                actor=user,
                obj=user,
                detail={"recovery_codes": len(codes)},
            )
    if refusal is not None:
        raise SecondFactorError(refusal)
    return device, codes


def verify_second_factor(*, user: User, code: str) -> Device:
    """The device that accepts `code`: the authenticator for six digits, otherwise a recovery
    code (each works once). Raises SecondFactorError on a wrong or too-early code."""
    code = normalize_code(code)
    totp = is_totp_code(code)
    model = TOTPDevice if totp else StaticDevice
    with transaction.atomic():
        device = (
            model.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        refusal = _("The code is not right.") if device is None else _refusal(device, code)
        kind = "authenticator" if totp else "recovery_code"
        if refusal is not None:
            # Kept, with the throttle's count: the refusal is raised after the transaction.
            audit.record(
                "people.second_factor.refuse",
                actor=user,
                obj=user,
                outcome=AuditEntry.Outcome.DENIED,
                detail={"kind": kind},
            )
        elif not totp:
            audit.record(
                "people.second_factor.recovery_code_use",
                actor=user,
                obj=user,
                detail={"left": device.token_set.count()},
            )
    if refusal is not None:
        raise SecondFactorError(refusal)
    return device


def _refusal(device: TOTPDevice | StaticDevice, code: str) -> str | None:
    """Why `device` refuses `code`, or None when it accepts it (counting a wrong code
    towards the device's throttle: each wrong code doubles the wait before the next)."""
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        return _("Too many wrong codes: wait a little, then enter the newest code.")
    if not device.verify_token(code):
        return _("The code is not right.")
    return None


def regenerate_recovery_codes(*, by: User | None, user: User) -> list[str]:
    """A fresh set of recovery codes (the old ones stop working), returned to be shown once."""
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        audit.record(
            "people.second_factor.recovery_codes", actor=by, obj=user, detail={"count": len(codes)}
        )
    return codes


def _replace_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def reset_second_factor(*, by: User | None, user: User) -> None:
    """Forget the account's authenticator and recovery codes (a lost phone): the user sets
    up two-factor login again at the next log-in, and every open session ends."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        ended = _end_sessions(user)
        audit.record(
            "people.second_factor.reset", actor=by, obj=user, detail={"sessions_ended": ended}
        )


# Account lifecycle -------------------------------------------------------------------------


@dataclass(frozen=True)
class Closure:
    sessions_ended: int
    tokens_revoked: int


def disable_account(*, by: User | None, user: User, reason: str) -> Closure:
    """Disable an account in one step (a leaver, a dormant account): it can no longer log
    in, every open session ends and every API token is revoked."""
    reason = normalize_text(reason)
    if not reason:
        raise ValidationError(_("Give the reason for disabling the account."))
    if by is not None and by.pk == user.pk:
        raise ValidationError(_("You cannot disable your own account."))
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        closure = Closure(sessions_ended=_end_sessions(user), tokens_revoked=tokens)
        audit.record(
            "people.user.disable",
            actor=by,
            obj=user,
            detail={
                "username": user.username,
                "reason": reason,
                "sessions_ended": closure.sessions_ended,
                "tokens_revoked": closure.tokens_revoked,
            },
        )
    return closure


def enable_account(*, by: User | None, user: User) -> None:
    """Let a disabled account log in again. Its dormancy counts from now, so the next sweep
    does not disable it again at once; revoked tokens stay revoked."""
    with transaction.atomic():
        user.is_active = True
        user.enabled_at = timezone.now()
        user.save(update_fields=["is_active", "enabled_at"])
        audit.record("people.user.enable", actor=by, obj=user, detail={"username": user.username})


def disable_dormant_accounts(*, days: int | None = None, dry_run: bool = False) -> list[str]:
    """Disable every active account unused for `days` (ACCOUNT_DORMANT_DAYS): no log-in, no
    API token used and not (re-)enabled in that time. Returns the usernames."""
    days = settings.ACCOUNT_DORMANT_DAYS if days is None else days
    dormant = list(selectors.dormant_accounts(before=timezone.now() - timedelta(days=days)))
    if not dry_run:
        for user in dormant:
            disable_account(
                by=None,
                user=user,
                reason=f"dormant: unused for {days} days",
            )
    return [user.username for user in dormant]


def _end_sessions(user) -> int:
    """End every open session of `user`; returns how many.

    The session store keeps no index by user, so the live sessions are read one by one:
    they end after thirty idle minutes, so few are live at any time. (A disabled account's
    session would be refused on its next request anyway: the backend ignores inactive users.)
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def record_commendation(
    *,
    by: User | None,
    officer: User,
    source: str,
    note: str = "",
    reference: str = "",
    awarded_on: date | None = None,
) -> Commendation:
    """Add a word of thanks to an officer's record, audited in the caller's transaction."""
    if source not in Commendation.Source.values:
        raise ValidationError(_("Unknown source of a commendation."))
    with transaction.atomic():
        commendation = Commendation.objects.create(
            officer=officer,
            source=source,
            note=normalize_text(note),
            reference=normalize_text(reference)[:40],
            awarded_on=awarded_on or timezone.localdate(),
            recorded_by=by,
        )
        audit.record(
            "people.commendation.record",
            actor=by,
            obj=commendation,
            detail={"officer": officer.username, "source": source, "reference": reference},
        )
    return commendation


# --- Officers' records ------------------------------------------------------------------------


def set_officer_profile(
    *, by: User | None, officer: User, personnel_number: str, rank: str
) -> OfficerProfile:
    """Give an officer a personnel number and rank (or change them); audited."""
    number = to_latin_digits(normalize_text(personnel_number))
    errors = []
    if not number.isdigit():
        errors.append(_("A personnel number is digits only."))
    elif OfficerProfile.objects.filter(personnel_number=number).exclude(officer=officer).exists():
        errors.append(_("Another officer has this personnel number."))
    if rank not in OfficerProfile.Rank.values:
        errors.append(_("Choose a rank from the list."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, _created = OfficerProfile.objects.update_or_create(
            officer=officer, defaults={"personnel_number": number, "rank": rank}
        )
        audit.record(
            "people.officer.profile",
            actor=by,
            obj=profile,
            detail={"officer": officer.username, "rank": rank},
        )
    return profile


def add_posting(
    *, by: User | None, officer: User, unit: Unit, started_on: date, duty: str = ""
) -> Posting:
    """Post an officer to a unit from a day: the open posting ends the day before."""
    current = officer.postings.filter(ended_on__isnull=True).first()
    if current is not None and started_on <= current.started_on:
        raise ValidationError(_("A new posting starts after the current one."))
    with transaction.atomic():
        if current is not None:
            current.ended_on = started_on - timedelta(days=1)
            current.save(update_fields=["ended_on"])
        posting = Posting.objects.create(
            officer=officer, unit=unit, started_on=started_on, duty=normalize_text(duty)
        )
        if officer.unit_id != unit.pk:
            officer.unit = unit
            officer.save(update_fields=["unit"])
        audit.record(
            "people.officer.posting",
            actor=by,
            obj=posting,
            detail={"officer": officer.username, "unit": unit.code},
        )
    return posting


def record_certificate(
    *, by: User | None, officer: User, course: Course, completed_on: date
) -> Certificate:
    """An officer passed a course; it expires after the course's validity, if it has one."""
    if completed_on > timezone.localdate():
        raise ValidationError(_("A course cannot be completed in the future."))
    expires_on = None
    if course.valid_months:
        expires_on = add_months(completed_on, course.valid_months)
    with transaction.atomic():
        certificate = Certificate.objects.create(
            officer=officer, course=course, completed_on=completed_on, expires_on=expires_on
        )
        audit.record(
            "people.officer.certificate",
            actor=by,
            obj=certificate,
            detail={"officer": officer.username, "course": course.code},
        )
    return certificate


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days


def plan_training(
    *, by: User | None, unit: Unit, role: str, course: Course, due_on: date
) -> TrainingRequirement:
    """Add a line to a unit's training plan: its officers of `role` hold `course` by then."""
    if get_role(role) is None:
        raise ValidationError(_("Unknown role “%(role)s”.") % {"role": role})
    with transaction.atomic():
        line, _created = TrainingRequirement.objects.update_or_create(
            unit=unit, role=role, course=course, defaults={"due_on": due_on}
        )
        audit.record(
            "people.training.plan",
            actor=by,
            obj=line,
            detail={"unit": unit.code, "role": role, "course": course.code},
        )
    return line


def read_officer_record(*, by: User, officer: User) -> None:
    """Note who read an officer's record (the caller checked that they may)."""
    if by.pk != officer.pk:
        with transaction.atomic():
            audit.record("people.officer.record_view", actor=by, obj=officer)
