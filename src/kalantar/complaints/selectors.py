"""Reads of complaints, always scoped to what the user may see."""

from __future__ import annotations

import hmac
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Avg, Count, FloatField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.complaints import workflow
from kalantar.complaints.codes import (
    format_tracking_code,
    is_valid_tracking_code,
    normalize_tracking_code,
)
from kalantar.complaints.identity import may_see_identity
from kalantar.complaints.models import Attachment, Complaint, ComplaintEvent
from kalantar.core.persian import normalize_for_search, to_latin_digits
from kalantar.core.validators import normalize_mobile
from kalantar.org.places import ADDRESS_ROWS, first_matching_addresses


@dataclass
class QueueFilters:
    status: str = ""
    category: str = ""
    officer: str = ""  # username, or "none" for unassigned
    overdue: bool = False
    q: str = ""
    unit: str = ""


class IdentitySearchRefused(PermissionDenied):
    """A search by national code, mobile or name from a user who may not see identities."""


def complaints_for(user) -> QuerySet[Complaint]:
    """The complaints the user may see; without the identity permission, pseudonymised.

    The one place every page, export and API reads complaints through, so the rule of
    identity.py holds everywhere."""
    complaints = Complaint.objects.visible_to(user)
    return complaints if may_see_identity(user) else complaints.pseudonymised()


# Rows read to find a page of distinct addresses: the newest of a station's complaints.


def recorded_addresses(user, words: list[str], limit: int) -> list[tuple[str, float, float]]:
    """(place text, lon, lat) of the complaints the user may see whose place holds every
    word (normalised for search), newest first, each address once."""
    if not user.has_perm("complaints.view_complaint"):
        return []  # the scope says which units; the role, whether complaints at all
    complaints = complaints_for(user).filter(lat__isnull=False, lon__isnull=False)
    complaints = complaints.exclude(location_text="")
    for word in words:
        # search_text holds the place among other fields: it narrows, the check below decides.
        complaints = complaints.filter(search_text__contains=word)
    rows = complaints.order_by("-filed_at").values_list("location_text", "lon", "lat")
    return first_matching_addresses(rows[:ADDRESS_ROWS], words, limit)


def attachment_for(user, pk: int) -> Attachment | None:
    """A complaint's attached file, for a user who may see the complaint."""
    if not user.has_perm("complaints.view_complaint"):
        return None
    return Attachment.objects.filter(pk=pk, complaint__in=complaints_for(user)).first()


def queue(user, filters: QueueFilters, *, now: datetime | None = None) -> QuerySet[Complaint]:
    """The user's complaints matching `filters`, newest first.

    Raises IdentitySearchRefused when a user who may not see identities searches by one."""
    complaints = complaints_for(user).select_related("category", "unit", "assigned_to")
    if filters.status == "open":
        complaints = complaints.open()
    elif filters.status in workflow.TRANSITIONS:
        complaints = complaints.filter(status=filters.status)
    if filters.category:
        complaints = complaints.filter(category__code=filters.category)
    if filters.officer == "none":
        complaints = complaints.filter(assigned_to__isnull=True)
    elif filters.officer:
        complaints = complaints.filter(assigned_to__username=filters.officer)
    if filters.unit:
        complaints = complaints.filter(unit__path__contains=f"/{filters.unit}/")
    if filters.overdue:
        complaints = complaints.overdue(now)
    if filters.q:
        complaints = complaints.filter(_search(filters.q, identity=may_see_identity(user)))
    return complaints.order_by("-filed_at")


def _search(text: str, *, identity: bool = True) -> Q:
    digits = to_latin_digits(text).replace("-", "").replace(" ", "")
    if digits.isdigit() and len(digits) == 10:
        if not identity:
            if not is_valid_tracking_code(digits):
                raise IdentitySearchRefused(
                    _("Your role does not allow searching by national code.")
                )
            return Q(tracking_code=digits)
        return Q(tracking_code=digits) | Q(national_code=digits)
    if digits.isdigit() and len(digits) == 11:
        if not identity:
            raise IdentitySearchRefused(_("Your role does not allow searching by mobile."))
        return Q(mobile=digits)
    condition = Q()
    for word in normalize_for_search(text).split():
        if identity:
            condition &= Q(search_text__contains=word)
        else:
            # search_text holds the complainant's name: finding a complaint by a name would
            # tell who filed it. Without the identity, words match what happened only.
            condition &= (
                Q(summary__icontains=word)
                | Q(narrative__icontains=word)
                | Q(location_text__icontains=word)
            )
    return condition


def officers_for(user) -> QuerySet:
    """Active officers the user may assign work to: members of the units they see."""
    return (
        get_user_model()
        .objects.visible_to(user)
        .filter(is_active=True, unit__isnull=False)
        .select_related("unit")
        .order_by("last_name", "username")
    )


def detail(user, code: str) -> Complaint | None:
    return (
        complaints_for(user)
        .select_related("category", "unit", "routed_unit", "assigned_to", "received_by")
        .filter(tracking_code=code)
        .first()
    )


def receipt_for(user, code: str) -> Complaint | None:
    """A complaint whose receipt the user may print: one in their scope, or one they took.

    The desk that takes a complaint owes the citizen its receipt even when the complaint is
    routed away at once (to inspection, or to the station of the place); the receipt is
    authorised by who received it, not by where the complaint now is. Only the receipt:
    `detail` still answers by scope alone.
    """
    related = ("category", "unit", "received_by")
    if getattr(user, "is_authenticated", False):
        taken = Complaint.objects.filter(tracking_code=code, received_by=user)
        if (complaint := taken.select_related(*related).first()) is not None:
            return complaint
    return complaints_for(user).select_related(*related).filter(tracking_code=code).first()


def last_complaint_of(user, national_code: str) -> Complaint | None:
    """A returning complainant's details, from the latest complaint the user may see."""
    code = to_latin_digits(national_code).strip()
    if len(code) != 10:
        return None
    return complaints_for(user).filter(national_code=code).order_by("-filed_at").first()


class _SecondsBetween(Func):
    """Seconds from the first datetime to the second, computed by the database.

    Subtracting two DateTimeFields in the ORM makes SQLite call a Python function per row
    (seconds for a province's 100,000 complaints); julianday() and EXTRACT do it natively.
    """

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        return f"((julianday({end[0]}) - julianday({start[0]})) * 86400.0)", start[1] + end[1]

    def as_postgresql(self, compiler, connection, **extra):
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        return f"EXTRACT(EPOCH FROM ({end[0]} - {start[0]}))", start[1] + end[1]

    def as_sql(self, compiler, connection, **extra):
        start, end = (compiler.compile(e) for e in self.get_source_expressions())
        return f"({end[0]} - {start[0]})", start[1] + end[1]


def _median_hours(complaints: QuerySet[Complaint], end_field: str) -> float | None:
    """The median, picked by the database from the sorted durations: shipping a province's
    100,000 durations to Python to sort them there took ten times longer."""
    done = complaints.filter(**{f"{end_field}__isnull": False})
    n = done.count()
    if n == 0:
        return None
    middle = (n - 1) // 2
    sorted_seconds = (
        done.annotate(s=_SecondsBetween("filed_at", end_field))
        .order_by("s")
        .values_list("s", flat=True)
    )
    pair = list(sorted_seconds[middle : middle + 2 - n % 2])
    return statistics.fmean(pair) / 3600


DASHBOARD_WINDOW = timedelta(days=90)


@dataclass
class Dashboard:
    by_status: dict[str, int] = field(default_factory=dict)
    total: int = 0
    open: int = 0
    overdue: int = 0
    median_hours_to_first_action: float | None = None
    median_days_to_finish: float | None = None
    median_days_to_close: float | None = None
    satisfaction: float | None = None
    rated: int = 0
    overdue_list: list[Complaint] = field(default_factory=list)
    window_days: int = DASHBOARD_WINDOW.days


def dashboard(user, *, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    complaints = complaints_for(user)
    board = Dashboard()
    counts = dict(
        complaints.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    board.by_status = {status: counts.get(status, 0) for status, _label in workflow.STATUS_CHOICES}
    board.total = sum(counts.values())
    board.open = sum(counts.get(s, 0) for s in workflow.OPEN_STATUSES)
    overdue = complaints.overdue(now)
    board.overdue = overdue.count()
    board.overdue_list = list(
        overdue.select_related("category", "unit", "assigned_to").order_by("first_action_due")[:20]
    )
    # Speed and satisfaction describe the recent work: complaints filed in the window.
    recent = complaints.filter(filed_at__gte=now - DASHBOARD_WINDOW)
    board.median_hours_to_first_action = _median_hours(recent, "first_action_at")
    finish = _median_hours(recent, "finished_at")
    close = _median_hours(recent, "closed_at")
    board.median_days_to_finish = finish / 24 if finish is not None else None
    board.median_days_to_close = close / 24 if close is not None else None
    rating = recent.filter(satisfaction__isnull=False).aggregate(
        avg=Avg("satisfaction"), n=Count("id")
    )
    board.satisfaction, board.rated = rating["avg"], rating["n"]
    return board


@dataclass(frozen=True)
class CitizenView:
    """What a citizen may see of their complaint: its steps and dates, nothing personal."""

    tracking_code: str
    category: str
    category_en: str
    unit_name: str
    unit_name_en: str
    status: str
    filed_at: datetime
    first_action_due: datetime
    closure_due: datetime
    events: list[CitizenStep]
    rejection_reason: str
    can_rate: bool
    satisfaction: int | None

    @property
    def code_display(self) -> str:
        """The tracking code grouped as the receipt prints it."""
        return format_tracking_code(self.tracking_code)

    @property
    def status_label(self) -> str:
        return workflow.status_label(self.status)

    @property
    def status_text(self) -> str:
        """What the status means for the citizen, in plain words."""
        return str(workflow.CITIZEN_TEXT.get(self.status, ""))


_DUMMY_SECRET = "0000000000"

_KIND_LABELS = dict(ComplaintEvent.Kind.choices)


@dataclass(frozen=True)
class CitizenStep:
    """One step of the timeline the citizen sees."""

    kind: str
    at: datetime
    to_status: str

    @property
    def label(self) -> str:
        if self.to_status:
            return workflow.status_label(self.to_status)
        return str(_KIND_LABELS.get(self.kind, self.kind))


# The complaint with a tracking code and the steps shown to the citizen, one row per step (one
# row with empty step columns when there is none): one query, so a wrong code and a wrong
# secret cost the same. Plain SQL rather than the ORM: every lookup and every guess runs it,
# and building it through the ORM cost about eight times running it, a millisecond a
# lookup, enough to take the status page under its floor (bench/complaints.py).
# tests/portal/test_tracking.py checks the answer against the models on both databases.
_CITIZEN_SQL = """
SELECT c.id, c.tracking_code, c.status, c.national_code, c.mobile, c.filed_at,
       c.first_action_due, c.closure_due, c.rejection_reason, c.satisfaction,
       category.name, category.name_en, unit.name, unit.name_en,
       step.kind, step.at, step.to_status
FROM complaints_complaint c
JOIN complaints_category category ON category.id = c.category_id
JOIN org_unit unit ON unit.id = c.unit_id
LEFT JOIN complaints_complaintevent step ON step.complaint_id = c.id AND step.public
WHERE c.tracking_code = %s
ORDER BY step.at, step.id
"""


def citizen_view(code: str, secret: str) -> CitizenView | None:
    """The complaint for a tracking code and the complainant's national code or mobile."""
    return citizen_lookup(code, secret)[0]


def citizen_lookup(code: str, secret: str) -> tuple[CitizenView | None, int | None]:
    """(the citizen's view or None, the id of the complaint with that code or None).

    A wrong code and a wrong secret give the same answer (None) after the same work: one
    query by code (the steps come with it) and one constant-time comparison, so timing
    tells nothing. The id is for the audit entry of the attempt, never for the citizen.
    """
    try:
        code = normalize_tracking_code(code) if is_valid_tracking_code(code) else ""
    except ValueError:
        code = ""
    rows = _citizen_rows(code) if code else []
    complaint = rows[0] if rows else None
    given = _secret_forms(secret)
    expected = {complaint.national_code, complaint.mobile} - {""} if complaint else set()
    matched = False
    for candidate in expected or {_DUMMY_SECRET}:
        for form in given:
            matched |= hmac.compare_digest(form.encode(), candidate.encode())
    complaint_id = complaint.id if complaint else None
    if complaint is None or not expected or not matched:
        return None, complaint_id
    view = CitizenView(
        tracking_code=complaint.tracking_code,
        category=complaint.category_name,
        category_en=complaint.category_name_en,
        unit_name=complaint.unit_name,
        unit_name_en=complaint.unit_name_en,
        status=complaint.status,
        filed_at=_aware(complaint.filed_at),
        first_action_due=_aware(complaint.first_action_due),
        closure_due=_aware(complaint.closure_due),
        events=[
            CitizenStep(kind=row.step_kind, at=_aware(row.step_at), to_status=row.step_to_status)
            for row in rows
            if row.step_kind is not None
        ],
        rejection_reason=complaint.rejection_reason,
        can_rate=complaint.status == workflow.CLOSED and complaint.satisfaction is None,
        satisfaction=complaint.satisfaction,
    )
    return view, complaint_id


class _CitizenRow(NamedTuple):
    """A row of the lookup: the complaint's columns, then one step's (or None)."""

    id: int
    tracking_code: str
    status: str
    national_code: str
    mobile: str
    filed_at: datetime
    first_action_due: datetime
    closure_due: datetime
    rejection_reason: str
    satisfaction: int | None
    category_name: str
    category_name_en: str
    unit_name: str
    unit_name_en: str
    step_kind: str | None
    step_at: datetime | None
    step_to_status: str | None


def _citizen_rows(code: str) -> list[_CitizenRow]:
    with connection.cursor() as cursor:
        cursor.execute(_CITIZEN_SQL, [code])
        return [_CitizenRow(*row) for row in cursor.fetchall()]


def _aware(value: datetime) -> datetime:
    """A time read by plain SQL: PostgreSQL gives it aware, SQLite as the naive UTC time the
    ORM stored."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _secret_forms(secret: str) -> set[str]:
    """The ways a typed national code or mobile may match: its digits, or a canonical mobile."""
    digits = "".join(ch for ch in to_latin_digits(secret or "") if ch.isdigit())
    forms = {digits} if digits else {"-"}
    try:
        forms.add(normalize_mobile(secret or ""))
    except ValueError:
        pass
    return forms
