"""Scoped reads for problems, referrals and agencies, and the figures of an analysis."""

from __future__ import annotations

import secrets
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kalantar.analytics.models import SurgeAlert
from kalantar.complaints.identity import may_see_identity, pseudonym
from kalantar.complaints.models import Complaint
from kalantar.core import extensions
from kalantar.core.extensions import ProblemLead
from kalantar.core.jalali import TEHRAN
from kalantar.core.persian import normalize_text
from kalantar.incidents.models import Incident
from kalantar.incidents.places import cell_places
from kalantar.org.models import Jurisdiction, Unit
from kalantar.problems import areas, figures, links
from kalantar.problems.models import (
    Action,
    Agency,
    Problem,
    ProblemAttachment,
    Referral,
    ReferralAttachment,
)
from kalantar.problems.triggers import alert_trigger

# SQLite allows 32766 bound parameters; stay well below for older builds.
_CHUNK = 900


def problems_for(user) -> QuerySet[Problem]:
    return Problem.objects.visible_to(user).select_related("unit")


def referrals_for(user) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).select_related("agency", "problem__unit")


def problem_attachment_for(user, pk: int) -> ProblemAttachment | None:
    """A project's attached file, for a user who may see the project."""
    if not user.has_perm("problems.view_problem"):
        return None
    return ProblemAttachment.objects.filter(pk=pk, problem__in=problems_for(user)).first()


def referral_attachment_for(user, pk: int) -> ReferralAttachment | None:
    """An agency's evidence on a referral, for a user who may see the referral."""
    if not user.has_perm("problems.view_referral"):
        return None
    return ReferralAttachment.objects.filter(pk=pk, referral__in=referrals_for(user)).first()


def agencies_for(user) -> QuerySet[Agency]:
    return Agency.objects.visible_to(user).select_related("unit")


def agency_of(user, pk: int) -> Agency | None:
    return agencies_for(user).filter(pk=pk).first()


def agency_directory(user) -> QuerySet[Agency]:
    """The agencies with their contacts, as the directory page lists them."""
    return agencies_for(user).prefetch_related("contacts")


def active_agencies_for(user) -> QuerySet[Agency]:
    """The agencies a referral may still be sent to."""
    return agencies_for(user).filter(is_active=True)


def problem_list(user, *, stage: str = "") -> QuerySet[Problem]:
    """The projects in scope, of one stage when given."""
    problems = problems_for(user)
    return problems.filter(stage=stage) if stage else problems


def referral_list(user, *, status: str = "", overdue: bool = False) -> QuerySet[Referral]:
    """The referrals in scope, of one status and/or only the overdue ones."""
    referrals = referrals_for(user)
    if overdue:
        referrals = referrals.overdue()
    return referrals.filter(status=status) if status else referrals


def problem_for(user, number: str) -> Problem | None:
    """One project the user may see, by its number; None for any other."""
    return problems_for(user).filter(number=number).first()


def referral_for(user, reference: str) -> Referral | None:
    """One referral the user may see, by its reference; None for any other."""
    return referrals_for(user).filter(reference=reference).first()


def referral_by_public_token(token: str) -> Referral | None:
    """The referral whose public status page this is (anyone holding the letter)."""
    return Referral.objects.select_related("agency").filter(public_token=token).first()


def referral_for_link(token: str) -> Referral:
    """The referral a link opens; LinkError (with a message for the agency) otherwise."""
    claim = links.read_token(token)
    referral = referrals_unscoped().filter(pk=claim.referral_id).first()
    if referral is None or not secrets.compare_digest(referral.link_nonce, claim.nonce):
        raise links.LinkError(_("This link is no longer valid. Ask the station for a new one."))
    return referral


def referrals_unscoped() -> QuerySet[Referral]:
    """Every referral: for the agency's link and the follow-up job, which have no user."""
    return Referral.objects.select_related("agency", "problem__unit")


def link_attachment(referral: Referral, pk: int) -> ReferralAttachment | None:
    """A file of this referral, opened by the agency through its own link."""
    return referral.attachments.filter(pk=pk).first()


def action_of(problem: Problem, pk: int) -> Action | None:
    return problem.actions.filter(pk=pk).first()


def problem_from_alert(alert_id: int) -> Problem | None:
    """The project already opened from a surge alert, if any."""
    return Problem.objects.filter(alert_id=alert_id).first()


def owner_units(user) -> QuerySet[Unit]:
    """The units a user may open projects for: stations, outposts and county commands."""
    kinds = (*Unit.STATION_KINDS, Unit.Kind.COUNTY)
    return Unit.objects.visible_to(user).filter(kind__in=kinds)


def agency_units(user) -> QuerySet[Unit]:
    """The commands a user may register agencies for."""
    return Unit.objects.visible_to(user).commands()


def leads(user) -> list[ProblemLead]:
    """What other apps offer for scanning (a perception gap, ...), leaving out the places an
    open project of the user's units already covers."""
    offered = extensions.problem_leads(user)
    if not offered:
        return []
    covered: set[str] = set()
    for hotspot, cells in (
        problems_for(user)
        .exclude(stage=Problem.Stage.CLOSED)
        .values_list("hotspot_cell", "area_cells")
    ):
        covered.update([hotspot, *(cells or [])])
    return [lead for lead in offered if lead.cell not in covered]


def closed_problems(user, limit: int = 20) -> list[Problem]:
    return list(problems_for(user).filter(stage=Problem.Stage.CLOSED)[:limit])


def escalated_referrals(user) -> QuerySet[Referral]:
    return referrals_for(user).overdue().filter(escalation__gt=Referral.Escalation.NONE)


def complaints_by_codes(user, codes: Iterable[str]) -> list:
    """The complaints the user may see among these tracking codes (others are ignored)."""
    return list(Complaint.objects.visible_to(user).filter(tracking_code__in=list(codes)))


@dataclass(frozen=True)
class ProblemRecords:
    """What a project's page lists besides the project itself."""

    actions: QuerySet
    referrals: QuerySet
    assessment: object
    attachments: QuerySet
    complaints: QuerySet


def problem_records(problem: Problem) -> ProblemRecords:
    return ProblemRecords(
        actions=problem.actions.select_related("owner"),
        referrals=problem.referrals.select_related("agency"),
        assessment=problem.assessments.first(),
        attachments=problem.attachments.all(),
        complaints=problem.complaints.select_related("category"),
    )


def referral_attachments(referral: Referral) -> QuerySet[ReferralAttachment]:
    """The files attached to a referral, by the station or by the agency answering it."""
    return referral.attachments.all()


def referral_events(referral: Referral) -> QuerySet:
    return referral.events.select_related("actor").prefetch_related("attachments")


@dataclass
class FollowUp:
    open_problems: list[Problem]
    overdue_referrals: list[Referral]
    open_referrals: list[Referral]


def follow_up(user, unit: Unit | None = None) -> FollowUp:
    problems = problems_for(user).exclude(stage=Problem.Stage.CLOSED)
    referrals = referrals_for(user)
    if unit is not None:
        problems = problems.filter(unit__path__startswith=unit.path)
        referrals = referrals.filter(problem__unit__path__startswith=unit.path)
    return FollowUp(
        open_problems=list(problems.annotate(n_referrals=Count("referrals"))),
        overdue_referrals=list(referrals.overdue().order_by("deadline")),
        open_referrals=list(
            referrals.filter(status__in=Referral.PENDING_STATUSES).order_by("deadline")
        ),
    )


@dataclass
class Responsiveness:
    agency: Agency
    received: int
    answered: int
    on_time: int
    declined: int
    overdue: int
    median_days: float | None


def responsiveness(referrals: Iterable[Referral]) -> list[Responsiveness]:
    """Per agency: referrals received, answered (done or declined), answered by the deadline,
    declined, now overdue, and the median days from sending to the answer."""
    by_agency: dict[int, list[Referral]] = {}
    agencies: dict[int, Agency] = {}
    for r in referrals:
        by_agency.setdefault(r.agency_id, []).append(r)
        agencies[r.agency_id] = r.agency
    rows = []
    for agency_id, items in by_agency.items():
        answered = [r for r in items if r.answered_at is not None]
        days = [r.days_to_answer for r in answered]
        rows.append(
            Responsiveness(
                agency=agencies[agency_id],
                received=len(items),
                answered=len(answered),
                on_time=sum(1 for r in answered if r.answered_on_time),
                declined=sum(1 for r in items if r.status == Referral.Status.DECLINED),
                overdue=sum(1 for r in items if r.status == Referral.Status.OVERDUE),
                median_days=statistics.median(days) if days else None,
            )
        )
    return sorted(rows, key=lambda row: (-row.received, row.agency.name))


def agency_responsiveness(user, *, since: date | None = None) -> list[Responsiveness]:
    referrals = referrals_for(user)
    if since is not None:
        referrals = referrals.filter(sent_at__gte=datetime.combine(since, time(), tzinfo=TEHRAN))
    return responsiveness(referrals)


# --- Areas and incident figures ----------------------------------------------------------------


def _station_ids(unit: Unit) -> list[int]:
    return list(
        Unit.objects.filter(path__startswith=unit.path).stations().values_list("pk", flat=True)
    )


def area_and_ring(problem: Problem) -> tuple[set[str], set[str]]:
    """The area as resolution-9 cells (the jurisdiction's cells when none were chosen) and
    the buffer ring around it."""
    if problem.area_cells:
        area = areas.to_resolution(problem.area_cells)
    else:
        area = set()
        for j in Jurisdiction.objects.filter(unit__path__startswith=problem.unit.path):
            area |= areas.cells_of_geometry(j.geometry)
    return area, areas.ring(area)


def _incidents(problem: Problem, *, first: date, last: date):
    """Incidents of the project's categories counted on Tehran days first…last."""
    qs = Incident.objects.filter(day__gte=first, day__lte=last)
    if problem.categories:
        qs = qs.filter(category__in=problem.categories)
    return qs


def _in_cells(qs, cells: set[str]) -> Iterable:
    ordered = sorted(cells)
    for i in range(0, len(ordered), _CHUNK):
        yield qs.filter(h3_cell__in=ordered[i : i + _CHUNK])


def count_incidents(
    problem: Problem, *, cells: set[str], own_unit: bool, first: date, last: date
) -> int:
    qs = _incidents(problem, first=first, last=last)
    if own_unit and not problem.area_cells:
        return qs.filter(station_id__in=_station_ids(problem.unit)).count()
    return sum(part.count() for part in _in_cells(qs, cells))


def analysis_figures(problem: Problem) -> figures.Figures:
    """Counts by hour and weekday, top cells and repeat places in the scanning period."""
    qs = _incidents(problem, first=problem.period_start, last=problem.period_end)
    fields = ("occurred_at", "lat", "lon", "h3_cell")
    if problem.area_cells:
        area = areas.to_resolution(problem.area_cells)
        parts = [p.values_list(*fields) for p in _in_cells(qs, area)]
    else:
        parts = [qs.filter(station_id__in=_station_ids(problem.unit)).values_list(*fields)]
    rows = (figures.Row(*values) for part in parts for values in part.iterator(chunk_size=5000))
    return figures.compute(rows)


def repeat_victims(problem: Problem, user) -> list[tuple[str, int]]:
    """Complainants who appear in more than one linked complaint: masked national codes for
    those who may see identities, pseudonyms for the others (complaints/identity.py)."""
    counts = (
        problem.complaints.exclude(national_code="")
        .values("national_code")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by("-n")
    )
    if may_see_identity(user):
        return [("******" + row["national_code"][-4:], row["n"]) for row in counts]
    return [(pseudonym(row["national_code"]), row["n"]) for row in counts]


def due_for_assessment(user) -> QuerySet[Problem]:
    today = timezone.now().astimezone(TEHRAN).date()
    return problems_for(user).filter(
        ~Q(stage=Problem.Stage.CLOSED), response_end__lt=today, assessments__isnull=True
    )


def trigger_text(problem: Problem) -> str:
    """The trigger in the reader's language when it is the text of the project's surge alert
    (written in the language of whoever opened the project); otherwise as written."""
    alert = SurgeAlert.objects.filter(pk=problem.alert_id).first() if problem.alert_id else None
    if alert is None:
        return problem.trigger
    written = set()
    for language in ("fa", "en"):
        with translation.override(language):
            written.add(normalize_text(alert_trigger(alert), multiline=True))
    return alert_trigger(alert) if problem.trigger in written else problem.trigger


def analysis_places(user, problem: Problem, found: figures.Figures) -> dict:
    """The analysis's cells as places a person recognises (one read for all of them)."""
    cells = [c for c, _n in found.top_cells] + [c for c, _n in found.repeat_places]
    places = cell_places(user, cells + list(problem.area_cells or []))
    return {
        "top_places": [(places[c], n) for c, n in found.top_cells if c in places],
        "repeat_places": [(places[c], n) for c, n in found.repeat_places if c in places],
        "area_places": _distinct(places[c] for c in (problem.area_cells or []) if c in places),
    }


def _distinct(places, limit: int = 5) -> list:
    """The first few places with distinct names: an area of forty cells is a few streets."""
    seen, kept = set(), []
    for place in places:
        key = place.name or getattr(place.station, "pk", None) or place.cell
        if key not in seen and len(kept) < limit:
            seen.add(key)
            kept.append(place)
    return kept
