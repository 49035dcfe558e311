"""The problems API: projects, referrals and agencies (scoped), and the public statistics."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from kalantar.core.api import Page, responses
from kalantar.core.permissions import api_permission
from kalantar.problems import selectors, services
from kalantar.problems.models import Agency, Problem, Referral

router = Router(tags=["problems"])


class ProblemOut(Schema):
    number: str
    title: str
    unit: str
    stage: str
    origin: str
    categories: list[str]
    area_cells: list[str]
    period_start: date
    period_end: date
    response_start: date | None
    response_end: date | None
    created_at: datetime

    @staticmethod
    def resolve_unit(p: Problem) -> str:
        return p.unit.code


class ReferralOut(Schema):
    reference: str
    problem: str
    agency: int
    agency_name: str
    subject: str
    ask: str
    deadline: date
    status: str
    sent_at: datetime
    answered_at: datetime | None
    escalation: int
    closed_at: datetime | None

    @staticmethod
    def resolve_problem(r: Referral) -> str:
        return r.problem.number

    @staticmethod
    def resolve_agency(r: Referral) -> int:
        return r.agency_id

    @staticmethod
    def resolve_agency_name(r: Referral) -> str:
        return r.agency.name


class AgencyOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    unit: str
    email: str
    phone: str
    is_active: bool

    @staticmethod
    def resolve_unit(a: Agency) -> str:
        return a.unit.code


class ReferralIn(Schema):
    agency: int | None = None
    subject: str
    evidence: str
    ask: str
    deadline: date | None = None


class ResponsivenessOut(Schema):
    agency: int
    agency_name: str
    received: int
    answered: int
    on_time: int
    declined: int
    overdue: int
    median_days: float | None


@router.get(
    "/problems",
    response=responses(list[ProblemOut], 403),
    summary="Problem-solving projects in scope",
)
@paginate(Page)
@api_permission("problems.view_problem")
def list_problems(request: HttpRequest, stage: str = ""):
    return selectors.problem_list(request.user, stage=stage)


@router.get("/problems/{number}", response=responses(ProblemOut, 403, 404), summary="One project")
@api_permission("problems.view_problem")
def get_problem(request: HttpRequest, number: str):
    problem = selectors.problem_for(request.user, number)
    if problem is None:
        raise HttpError(404, _("No such project in your units."))
    return problem


@router.post(
    "/problems/{number}/referrals",
    response=responses(ReferralOut, 400, 403, 404, status=201),
    summary="Send a referral",
)
@api_permission("problems.add_referral")
def create_referral(request: HttpRequest, number: str, payload: ReferralIn):
    problem = selectors.problem_for(request.user, number)
    if problem is None:
        raise HttpError(404, _("No such project in your units."))
    agency = None
    if payload.agency is not None:
        agency = selectors.agency_of(request.user, payload.agency)
    referral = services.send_referral(
        by=request.user,
        problem=problem,
        agency=agency,
        subject=payload.subject,
        evidence=payload.evidence,
        ask=payload.ask,
        deadline=payload.deadline,
    )
    return Status(201, referral)


@router.get("/referrals", response=responses(list[ReferralOut], 403), summary="Referrals in scope")
@paginate(Page)
@api_permission("problems.view_referral")
def list_referrals(request: HttpRequest, status: str = "", overdue: bool = False):
    return selectors.referral_list(request.user, status=status, overdue=overdue)


@router.get(
    "/referrals/{reference}", response=responses(ReferralOut, 403, 404), summary="One referral"
)
@api_permission("problems.view_referral")
def get_referral(request: HttpRequest, reference: str):
    referral = selectors.referral_for(request.user, reference)
    if referral is None:
        raise HttpError(404, _("No such referral in your units."))
    return referral


@router.get(
    "/agencies",
    response=responses(list[AgencyOut], 403),
    summary="Agencies your units may refer to",
)
@api_permission("problems.view_agency")
def list_agencies(request: HttpRequest):
    return list(selectors.agencies_for(request.user))


@router.get(
    "/agencies/responsiveness",
    response=responses(list[ResponsivenessOut], 403),
    summary="Each agency's answers to your units' referrals",
)
@api_permission("problems.view_referral")
def responsiveness(request: HttpRequest):
    return [
        {
            "agency": row.agency.pk,
            "agency_name": row.agency.name,
            "received": row.received,
            "answered": row.answered,
            "on_time": row.on_time,
            "declined": row.declined,
            "overdue": row.overdue,
            "median_days": row.median_days,
        }
        for row in selectors.agency_responsiveness(request.user)
    ]
