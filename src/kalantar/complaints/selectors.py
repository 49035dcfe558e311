"""Reads of complaints, always scoped to what the user may see."""

from __future__ import annotations

import hmac
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Avg, Count, FloatField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from kalantar.complaints import workflow
from kalantar.complaints.codes import (
    format_tracking_code,
    is_valid_tracking_code,
    normalize_tracking_code,
)
from kalantar.complaints.drafts import (
    CleanFields,
    ComplaintDraft,
    Errors,
    add_error,
    clean_fields,
    field_errors,
)
from kalantar.complaints.identity import may_see_identity
from kalantar.complaints.models import Attachment, Category, Complaint, ComplaintEvent
from kalantar.core.persian import normalize_for_search, to_latin_digits
from kalantar.core.scoping import can_see_unit
from kalantar.core.validators import normalize_mobile
from kalantar.org.geo_cache import locate_unit
from kalantar.org.models import Unit
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
    if filters.status == workflow.ALL_OPEN:
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


class CappedPaginator(Paginator):
    """Counts at most CAP rows: an exact count of a province's 100,000 complaints (or of
    every match of a common word) would cost more than the page itself."""

    CAP = 1000

    @cached_property
    def count(self) -> int:
        n = self.object_list.order_by()[: self.CAP + 1].count()
        self.capped = n > self.CAP
        return min(n, self.CAP)


QUEUE_PAGE_SIZE = 25


def no_complaints() -> QuerySet[Complaint]:
    """An empty queue, for a search refused before it reached the database."""
    return Complaint.objects.none()


def queue_page(complaints: QuerySet[Complaint], number: str | None) -> Page:
    """One page of the queue: its ids first, then those rows with their related objects.

    Ordering and skipping a province's matches by their ids alone reads the narrow indexes;
    doing it with whole rows and their joins read (and on SQLite sorted) every wide row that
    matched, several times slower with 100,000 complaints.
    """
    paginator = CappedPaginator(complaints.values_list("pk", flat=True), QUEUE_PAGE_SIZE)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = complaints.filter(pk__in=ids).in_bulk()
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(is_active=True)


def active_category(code: str) -> Category | None:
    return active_categories().filter(code=code).first()


def desk_stations(user) -> QuerySet[Unit]:
    """The stations a desk may file a complaint for: those in the user's scope."""
    return Unit.objects.visible_to(user).stations().order_by("path")


def desk_station(user, code: str) -> Unit | None:
    return Unit.objects.visible_to(user).filter(code=code).first()


def complaints_with_codes(user, codes: list[str]) -> list[Complaint]:
    return list(complaints_for(user).filter(tracking_code__in=codes))


def officer_for(user, username: str):
    """One officer the user may assign work to, or None."""
    return officers_for(user).filter(username=username).first() if username else None


def complaints_of(user, national_code: str) -> int:
    """How many complaints the user may see were filed with this national code."""
    return complaints_for(user).filter(national_code=national_code).count()


def attachments_of(complaint: Complaint) -> QuerySet[Attachment]:
    return complaint.attachments.all()


def timeline(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor")


def overdue_at_level(level: int, *, now: datetime) -> Iterator[Complaint]:
    """Every overdue complaint escalated `level` times so far, with its unit and the unit's
    parent (where the next escalation goes)."""
    overdue = Complaint.objects.overdue(now).select_related("unit", "unit__parent")
    return overdue.filter(escalation_level=level).iterator()


def last_escalation(complaint: Complaint) -> datetime | None:
    events = complaint.events.filter(kind=ComplaintEvent.Kind.ESCALATED)
    return events.order_by("-at").values_list("at", flat=True).first()


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


# --- Filing: where a draft would go, and everything wrong with it ------------------------------


@dataclass(frozen=True)
class FilingCheck:
    """A draft checked for filing: its stored texts, the station that would handle it and the
    one whose jurisdiction holds the place, and its errors by field (empty when it may be
    filed)."""

    fields: CleanFields
    handling: Unit | None
    located: Unit | None
    errors: Errors


def check_filing(*, draft: ComplaintDraft, by, now: datetime | None = None) -> FilingCheck:
    """Every check of a draft, the same whatever is missing (so a form reports every mistake
    in one round), and where it would go. Reads only: the confirmation step of the online
    form runs it without filing anything."""
    now = now or timezone.now()
    errors = field_errors(draft, now=now)
    clean = clean_fields(draft)
    handling, located = _route(errors, draft=draft, by=by, override_reason=clean.override_reason)
    handling = _handling_unit(
        errors, station=handling, category=draft.category, accused_officer=clean.accused_officer
    )
    return FilingCheck(fields=clean, handling=handling, located=located, errors=errors)


def _route(
    errors: Errors, *, draft: ComplaintDraft, by, override_reason: str
) -> tuple[Unit | None, Unit | None]:
    """(station that will handle it, station whose jurisdiction holds the place)."""
    lat, lon, station = draft.lat, draft.lon, draft.station
    located = None
    if lat is not None and lon is not None:
        located = locate_unit(lon, lat)
        if located is None and station is None:
            add_error(
                errors, "location", _("The location is outside every station's jurisdiction.")
            )
    if station is not None:
        if not station.is_station:
            add_error(errors, "station", _("Choose a police station or outpost."))
        elif by is not None and not can_see_unit(by, station):
            add_error(errors, "station", _("You cannot file complaints for that station."))
        elif located is not None and located != station and not override_reason:
            add_error(
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
        add_error(errors, "location", _("Mark the place of the incident on the map."))
    return located, located


def _handling_unit(
    errors: Errors, *, station: Unit | None, category: Category | None, accused_officer: str
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
    office = inspection_office(station)
    if office is None:
        field = "category" if by_category else "accused_officer"
        add_error(errors, field, _("The province has no inspection office to take this."))
    return office


def inspection_office(station: Unit) -> Unit | None:
    """The inspection office of the station's province, which takes conduct complaints."""
    province = station.province()
    if province is None:
        return None
    return Unit.objects.filter(parent=province, kind=Unit.Kind.INSPECTION, is_active=True).first()
