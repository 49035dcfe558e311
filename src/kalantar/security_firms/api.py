"""The register's API: scoped lists for staff (bearer token), the public licence check, and
an institution's own endpoints, opened with its key, to submit rosters and read notices."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import HttpBearer

from kalantar.core import audit
from kalantar.core.api import Page, responses
from kalantar.security_firms import public, selectors, services
from kalantar.security_firms.models import Guard, InstitutionKey

router = Router(tags=["security institutions"])


class InstitutionKeyAuth(HttpBearer):
    """`Authorization: Bearer sfk_…`: the institution whose key it is, while it is usable."""

    def authenticate(self, request: HttpRequest, token: str):
        key = selectors.institution_key(token)
        if key is None:
            return None
        key.note_use()
        return key


class GuardOut(Schema):
    id: int
    name: str
    institution: str
    licence_number: str | None
    licence_expires: date | None
    status: str
    status_reason: str
    activities: list[str]

    @staticmethod
    def resolve_name(g: Guard) -> str:
        return g.full_name

    @staticmethod
    def resolve_institution(g: Guard) -> str:
        return g.institution.name


class GuardDetailOut(GuardOut):
    national_code: str
    birth_date: date
    status_changed_at: datetime


class InstitutionOut(Schema):
    id: int
    licence_number: str
    name: str
    province: str
    status: str
    licence_expires: date
    activities: list[str]

    @staticmethod
    def resolve_province(i) -> str:
        return i.province.code


class CheckOut(Schema):
    status: str
    licence_number: str | None
    name: str | None
    institution: str | None
    expires: str | None
    photo: str | None


class GuardQuery(Schema):
    q: str = ""


class RosterIn(Schema):
    post: int
    starts_at: datetime
    ends_at: datetime
    guards: list[str]


class RosterOut(Schema):
    shift: int
    assignments: int


class NoticeOut(Schema):
    guard: str
    licence_number: str | None
    station: str
    reason: str
    created_at: datetime

    @staticmethod
    def resolve_guard(n) -> str:
        return n.guard.full_name

    @staticmethod
    def resolve_licence_number(n) -> str | None:
        return n.guard.licence_number

    @staticmethod
    def resolve_station(n) -> str:
        return n.station.code


def _require(request: HttpRequest, perm: str) -> None:
    if not request.auth.has_perm(perm):
        raise HttpError(403, _("Your role does not allow this."))


@router.get(
    "/guards/",
    response=responses(list[GuardOut], 403),
    summary="Guards in your scope",
    description=(
        "`q`: a national code, or the start of a name (surname first, or first name first). "
        "Surname matches come first. `count` stops at 1000: narrow the search beyond it."
    ),
)
@paginate(Page)
def list_guards(request: HttpRequest, filters: Query[GuardQuery]):
    _require(request, "security_firms.view_guard")
    return selectors.search_guards(request.auth, filters.q)


@router.get(
    "/guards/institutions/",
    response=responses(list[InstitutionOut], 403),
    summary="Security institutions in your scope",
)
@paginate(Page)
def list_institutions(request: HttpRequest):
    _require(request, "security_firms.view_institution")
    return selectors.institutions_in_order(request.auth)


@router.get(
    "/guards/check",
    auth=None,
    response={**responses(CheckOut, public=True), 429: CheckOut},
    summary="Public licence check (no login)",
    description=(
        "`number`: the licence number on the card; or `claim`: the query string of the "
        "card's QR. The same shape answers an unknown and a malformed number."
    ),
)
def check(request: HttpRequest, number: str = "", claim: str = ""):
    if public.over_limit(request):
        return Status(429, selectors.PublicAnswer("rate_limited").as_json())
    outcome = public.check(number=number, claim=claim)
    answer = outcome.answer
    photo = (
        reverse("security_firms:check_photo", args=[answer.licence_number])
        if answer.has_photo
        else ""
    )
    body = answer.as_json(photo)
    if outcome.forged:
        body["status"] = "not_genuine"
    return body


@router.get(
    "/guards/{guard_id}/", response=responses(GuardDetailOut, 403, 404), summary="One guard"
)
def get_guard(request: HttpRequest, guard_id: int):
    _require(request, "security_firms.view_guard")
    guard = selectors.find_guard(request.auth, guard_id)
    if guard is None:
        raise HttpError(404, _("No such guard in your units."))
    return guard


# --- The institution's own endpoints -----------------------------------------------------------


def _key(request: HttpRequest) -> InstitutionKey:
    return request.auth


@router.post(
    "/guards/institution/rosters",
    auth=InstitutionKeyAuth(),
    response=responses(RosterOut, 400, 404, status=201),
    summary="Submit a shift and the guards on it (institution key)",
)
def submit_roster(request: HttpRequest, roster: RosterIn):
    key = _key(request)
    post = selectors.post_of(key.institution, roster.post)
    if post is None:
        raise HttpError(404, _("No such post at your sites."))
    guards = []
    for number in roster.guards:
        guard = selectors.guard_of(key.institution, number)
        if guard is None:
            raise ValidationError(
                {"guards": _("No guard of yours holds licence %(n)s.") % {"n": number}}
            )
        guards.append(guard)
    with transaction.atomic():
        shift = services.add_roster(
            by=None,
            post=post,
            starts_at=roster.starts_at,
            ends_at=roster.ends_at,
            guards=guards,
        )
        audit.record(
            "security_firms.roster_submitted",
            obj=key.institution,
            detail={"shift": shift.pk, "guards": roster.guards, "key": key.pk},
        )
    return Status(201, {"shift": shift.pk, "assignments": len(roster.guards)})


@router.get(
    "/guards/institution/notices",
    auth=InstitutionKeyAuth(),
    response=responses(list[NoticeOut]),
    summary="Guards of yours taken off a roster (institution key)",
)
@paginate(Page)
def institution_notices(request: HttpRequest):
    return selectors.notices_of_institution(_key(request).institution)
