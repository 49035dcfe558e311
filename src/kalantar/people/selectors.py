"""Reads about people that are more than a `.get()`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalantar.core.persian import normalize_text, to_latin_digits
from kalantar.core.scoping import scope_root
from kalantar.people.models import (
    ApiToken,
    Certificate,
    Commendation,
    Posting,
    TrainingRequirement,
    User,
)
from kalantar.people.scoping import inspection_root
from kalantar.people.second_factor import requires_second_factor


def needs_second_factor(user) -> bool:
    """Whether `user` must give a second factor after the password (TWO_FACTOR_ROLES, or
    access to the admin site). Kept on the user object: asked more than once per request."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_needs_second_factor", None)
    if cached is None:
        cached = requires_second_factor(
            roles=user.role_codes(),
            is_staff=user.is_staff,
            is_superuser=user.is_superuser,
            required_roles=settings.TWO_FACTOR_ROLES,
        )
        user._needs_second_factor = cached
    return cached


def second_factor_pending(user) -> bool:
    """Logged in with the password, but the second factor is still owed."""
    return needs_second_factor(user) and not user.is_verified()


def has_authenticator(user) -> bool:
    """Whether two-factor login is set up: a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def active_officers_within(path: str) -> QuerySet[User]:
    """The active officers of the units at or below `path`, by surname."""
    return User.objects.filter(
        officer_profile__isnull=False, unit__path__startswith=path, is_active=True
    ).order_by("last_name")


def active_members_of(unit, *, including=None) -> QuerySet[User]:
    """The active accounts of `unit` itself (not of those below it), and `including`, an
    account added whatever its unit or state."""
    members = User.objects.filter(unit=unit, is_active=True)
    if including is not None:
        members = members | User.objects.filter(pk=including.pk)
    return members.distinct()


def active_members_under(unit) -> QuerySet[User]:
    """The active accounts of a unit and of every unit below it."""
    return User.objects.filter(unit__path__startswith=unit.path, is_active=True)


def dormant_accounts(*, before: datetime) -> QuerySet[User]:
    """Active accounts unused since `before`: no log-in, no API token used and not
    (re-)enabled since then, nor created since then."""
    recent_token_use = ApiToken.objects.filter(user=OuterRef("pk"), last_used_at__gte=before)
    return (
        User.objects.filter(is_active=True, date_joined__lt=before)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=before))
        .filter(Q(enabled_at__isnull=True) | Q(enabled_at__lt=before))
        .exclude(Exists(recent_token_use))
        .order_by("username")
    )


# --- Officers' records ------------------------------------------------------------------------


def officers_for(user) -> QuerySet[User]:
    """The officers whose records the user may read: a chief those of their units, an
    inspector those of their province, superusers all; anyone else only their own."""
    officers = User.objects.filter(officer_profile__isnull=False).select_related(
        "officer_profile", "unit"
    )
    root = scope_root(user)
    if root is None:
        return officers.none()
    if root == "":
        return officers
    if user.has_perm("people.view_province_officers"):
        return officers.filter(unit__path__startswith=inspection_root(user))
    if user.has_perm("people.view_user"):
        return officers.filter(unit__path__startswith=root)
    return officers.filter(pk=user.pk)


def officer_list(user, search: str = "") -> QuerySet[User]:
    """The officers' list in unit order, narrowed by a name, a username or a personnel
    number (Persian or Latin digits)."""
    officers = officers_for(user).order_by("unit__path", "last_name", "pk")
    q = normalize_text(search).strip()
    if not q:
        return officers
    return officers.filter(
        Q(first_name__icontains=q)
        | Q(last_name__icontains=q)
        | Q(username__icontains=q)
        | Q(officer_profile__personnel_number=to_latin_digits(q))
    )


def overdue_on_page(page, *, today: date) -> set[int]:
    """The ids of the officers on a page of the list whose training is overdue."""
    officers = User.objects.filter(pk__in=[o.pk for o in page]).select_related(
        "officer_profile", "unit"
    )
    return {line.officer.pk for line in overdue_training(officers, today=today)}


@dataclass(frozen=True)
class TrainingLine:
    """One line of a training plan as it applies to one officer, and whether the officer
    held a valid certificate of its course on the day asked about."""

    officer: User
    requirement: TrainingRequirement
    held: bool

    @property
    def course(self):
        return self.requirement.course

    @property
    def due_on(self) -> date:
        return self.requirement.due_on


def _holds(certificates: list[Certificate], course_id: int, day: date) -> bool:
    return any(c.course_id == course_id and c.valid_on(day) for c in certificates)


def training_lines(officers: QuerySet[User], *, due_before: date, on: date) -> list[TrainingLine]:
    """Each (officer, plan line) due before `due_before`, with whether the officer held the
    course on `on`: the plans of the officer's unit and of the units above it, for the
    officer's roles. Three queries, whatever the number of officers."""
    officers = officers.prefetch_related(
        "groups", Prefetch("certificates", queryset=Certificate.objects.all())
    ).select_related("unit")
    officers = [o for o in officers if o.unit is not None]
    if not officers:
        return []
    paths = {o.unit.path for o in officers}
    units = {code for path in paths for code in path.strip("/").split("/")}
    plan: dict[str, list[TrainingRequirement]] = defaultdict(list)
    for line in TrainingRequirement.objects.filter(
        unit__code__in=units, due_on__lt=due_before
    ).select_related("course", "unit"):
        plan[line.unit.code].append(line)
    lines = []
    for officer in officers:
        roles = {g.name for g in officer.groups.all()}
        certificates = list(officer.certificates.all())
        for code in officer.unit.path.strip("/").split("/"):
            lines.extend(
                TrainingLine(officer, line, _holds(certificates, line.course_id, on))
                for line in plan.get(code, ())
                if line.role in roles
            )
    return lines


def overdue_training(officers: QuerySet[User], *, today: date) -> list[TrainingLine]:
    """Each (officer, plan line) whose due date passed without a valid certificate."""
    overdue = [
        line for line in training_lines(officers, due_before=today, on=today) if not line.held
    ]
    return sorted(overdue, key=lambda o: (o.due_on, o.officer.username))


@dataclass(frozen=True)
class OfficerRecord:
    officer: User
    postings: list[Posting]
    certificates: list[Certificate]
    commendations: list[Commendation]
    overdue: list[TrainingLine]


def officer_record(user, pk: int, *, today: date) -> OfficerRecord | None:
    """The record of officer `pk`, when the user may read it (officers_for)."""
    officer = officers_for(user).filter(pk=pk).first()
    if officer is None:
        return None
    return OfficerRecord(
        officer=officer,
        postings=list(officer.postings.select_related("unit")),
        certificates=list(officer.certificates.select_related("course")),
        commendations=list(officer.commendations.all()),
        overdue=overdue_training(User.objects.filter(pk=officer.pk), today=today),
    )
