"""Reads of inspection, always scoped: an inspector sees their province's cases only, and
nobody at the accused officer's station (nor the officer) sees a case at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from kalantar.core.persian import normalize_text, to_latin_digits
from kalantar.inspection import workflow
from kalantar.inspection.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseFootage,
    Interview,
    Review,
)

PAGE_SIZE = 25


@dataclass
class DeskFilters:
    status: str = ""  # a status, "open" (default) or "all"
    source: str = ""
    overdue: bool = False
    q: str = ""


def cases_for(user) -> QuerySet[Case]:
    return Case.objects.visible_to(user).select_related("station", "office", "accused_officer")


def desk(user, filters: DeskFilters, page: int | str | None = 1) -> Page:
    """The inspector's queue: the nearest deadline first, closed cases last."""
    cases = cases_for(user)
    if filters.status in dict(workflow.STATUS_CHOICES):
        cases = cases.filter(status=filters.status)
    elif filters.status != "all":
        cases = cases.open()
    if filters.source in Case.Source.values:
        cases = cases.filter(source_kind=filters.source)
    if filters.overdue:
        cases = cases.open().filter(step_due__lt=timezone.now())
    q = normalize_text(filters.q).strip()
    if q:
        latin = to_latin_digits(q)
        cases = cases.filter(
            Q(summary__icontains=q)
            | Q(tracking_code=latin.replace("-", "").upper())
            | Q(source_reference__icontains=latin)
            | Q(accused_name__icontains=q)
            | Q(accused_officer__last_name__icontains=q)
            | Q(complainant_name__icontains=q)
            | (Q(pk=int(latin)) if latin.isdigit() else Q(pk__in=[]))
        )
    cases = cases.order_by("closed_at", "step_due", "-id")
    return Paginator(cases, PAGE_SIZE).get_page(page)


def case_for(user, pk: int) -> Case | None:
    return cases_for(user).filter(pk=pk).first()


def conduct_history(user, case: Case) -> QuerySet[Case]:
    """The other cases about the same officer that the user may see: the officer's conduct
    history, read by the inspection office only (the cases' own scoping)."""
    if case.accused_officer_id is None:
        return Case.objects.none()
    return cases_for(user).filter(accused_officer=case.accused_officer_id).exclude(pk=case.pk)


@dataclass(frozen=True)
class CaseRecord:
    """What a case's page lists beside the case: its steps, interviews, documents and
    footage, and the officer's other cases the user may see (newest first)."""

    events: QuerySet[CaseEvent]
    interviews: QuerySet[Interview]
    documents: QuerySet[CaseDocument]
    footage: QuerySet[CaseFootage]
    history: QuerySet[Case]


def case_record(user, case: Case) -> CaseRecord:
    return CaseRecord(
        events=case.events.select_related("actor"),
        interviews=case.interviews.all(),
        documents=case.documents.all(),
        footage=case.footage.select_related("item", "item__recorded_by"),
        history=conduct_history(user, case).order_by("-opened_at"),
    )


def document_for(user, pk: int) -> CaseDocument | None:
    """A case's document, for a user who may see the case (core.views.attachment)."""
    return CaseDocument.objects.filter(pk=pk, case__in=Case.objects.visible_to(user)).first()


@dataclass(frozen=True)
class PublicStep:
    status: str
    label: str
    at: datetime


@dataclass(frozen=True)
class PublicInspection:
    """What a complainant reads of the inspection of their complaint: the steps and, once
    closed, the outcome in plain words. Nothing about the officer or the inspector."""

    steps: list[PublicStep]
    outcome: str


def public_inspection(tracking_code: str) -> PublicInspection | None:
    """The inspection of the complaint with this tracking code (the portal has checked the
    citizen's secret), or None when there is none."""
    case = Case.objects.filter(tracking_code=tracking_code).order_by("-id").first()
    if case is None:
        return None
    events = CaseEvent.objects.filter(case=case, public=True)
    steps = [PublicStep(e.to_status, str(workflow.CITIZEN_STEP[e.to_status]), e.at) for e in events]
    outcome = ""
    if case.status == workflow.CLOSED and case.finding:
        outcome = str(workflow.CITIZEN_OUTCOME[case.finding])
    return PublicInspection(steps, outcome)


def reviews_for(user, *, open_only: bool = False) -> QuerySet[Review]:
    reviews = Review.objects.visible_to(user).select_related("officer", "officer__unit", "office")
    return reviews.filter(closed_at__isnull=True) if open_only else reviews


def review_for(user, pk: int) -> Review | None:
    return reviews_for(user).filter(pk=pk).first()
