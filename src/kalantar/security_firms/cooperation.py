"""Guards' reports to the station under the cooperation guideline: each becomes an incident
of the station whose jurisdiction holds the place, with the guard as the reporter; the
station answers; the institution follows the outcome."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.core import audit
from kalantar.core.persian import normalize_text
from kalantar.core.scoping import can_see_unit
from kalantar.incidents import services as incident_services
from kalantar.incidents.drafts import CLOCK_SKEW, IncidentReport
from kalantar.incidents.geometry import valid_point
from kalantar.incidents.models import Incident
from kalantar.security_firms import report_rules
from kalantar.security_firms.models import ContractSite, Guard, GuardReport, Institution

if TYPE_CHECKING:
    from kalantar.people.models import User

NARRATIVE_MAX = 4000


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _place(errors, guard: Guard, site: ContractSite | None, point) -> tuple[float, float]:
    """Where it happened: the (lon, lat) given, else the site's place."""
    if site is not None and site.institution_id != guard.institution_id:
        _add(errors, "site", _("This site is not one of the guard's institution's."))
    if point is not None:
        lon, lat = point
        if not valid_point(lon, lat):
            _add(errors, "location", _("The location is not valid."))
            return 0.0, 0.0
        return float(lon), float(lat)
    if site is None:
        _add(errors, "location", _("Give the place: a site of the institution or the location."))
        return 0.0, 0.0
    return site.lon, site.lat


def _check(errors, *, guard: Guard, kind: str, narrative: str, occurred_at, now) -> None:
    if guard.status != Guard.Status.ACTIVE:
        _add(errors, "guard", _("Only a guard with an active licence reports for an institution."))
    if report_rules.rule(kind) is None:
        _add(errors, "kind", _("Choose what is being reported."))
    if not narrative:
        _add(errors, "narrative", _("Describe what happened."))
    elif len(narrative) > NARRATIVE_MAX:
        _add(errors, "narrative", _("The description is too long."))
    if occurred_at is None or timezone.is_naive(occurred_at):
        _add(errors, "occurred_at", _("Give the time of the event."))
    elif occurred_at > now + CLOCK_SKEW:
        _add(errors, "occurred_at", _("The time of the event cannot be in the future."))


def file_report(
    *,
    by: User | None,
    guard: Guard,
    kind: str,
    narrative: str,
    occurred_at: datetime | None,
    channel: str,
    site: ContractSite | None = None,
    point: tuple[float, float] | None = None,
) -> GuardReport:
    """Turn a guard's report into an incident of the responsible station (found by the place,
    through the jurisdiction index); raise ValidationError (by field), storing nothing."""
    now = timezone.now()
    narrative = normalize_text(narrative, multiline=True).strip()
    errors: dict[str, list[str]] = {}
    _check(errors, guard=guard, kind=kind, narrative=narrative, occurred_at=occurred_at, now=now)
    lon, lat = _place(errors, guard, site, point)
    if errors:
        raise ValidationError(errors)
    rule = report_rules.rule(kind)
    institution = guard.institution
    report = IncidentReport(
        source=Incident.Source.GUARD_REPORT,
        category=rule.category,
        lon=lon,
        lat=lat,
        occurred_at=min(occurred_at, now),
        received_at=now,
        priority=None,
        narrative=_("Report of guard %(guard)s (%(institution)s, licence %(licence)s): %(text)s")
        % {
            "guard": guard.full_name,
            "institution": institution.name,
            "licence": guard.licence_number or "-",
            "text": narrative,
        },
    )
    with transaction.atomic():
        # Filed by a guard or an institution's desk, not by station staff: routed by place.
        incident = incident_services.open_incident(by=None, report=report)
        filed = GuardReport.objects.create(
            guard=guard,
            institution=institution,
            site=site,
            kind=kind,
            channel=channel,
            occurred_at=occurred_at,
            reported_at=now,
            overdue=now - occurred_at > timedelta(minutes=rule.within_minutes),
            narrative=narrative,
            incident=incident,
            filed_by=by if getattr(by, "is_authenticated", False) else None,
        )
        audit.record(
            "security_firms.report_filed",
            actor=by if getattr(by, "is_authenticated", False) else None,
            obj=filed,
            detail={"guard": guard.pk, "kind": kind, "incident": incident.number},
        )
    return filed


def answer_report(*, by: User, report: GuardReport, answer: str) -> GuardReport:
    """The station's answer to a guard's report, seen by the institution."""
    answer = normalize_text(answer, multiline=True).strip()
    if not can_see_unit(by, report.incident.station):
        raise ValidationError(_("This report belongs to a station you do not serve."))
    if not answer:
        raise ValidationError({"answer": [_("Write the answer.")]})
    with transaction.atomic():
        report.answer = answer[:NARRATIVE_MAX]
        report.answered_by = by
        report.answered_at = timezone.now()
        report.save(update_fields=["answer", "answered_by", "answered_at"])
        audit.record("security_firms.report_answered", actor=by, obj=report)
    return report


def reports_for_station(user) -> dict[Institution, list[GuardReport]]:
    """The guards' reports of the user's stations, grouped by institution."""
    grouped: dict[Institution, list[GuardReport]] = defaultdict(list)
    reports = (
        GuardReport.objects.visible_to(user)
        .select_related("institution", "guard", "incident", "site")
        .order_by("institution__name", "-reported_at")[:500]
    )
    for report in reports:
        grouped[report.institution].append(report)
    return dict(grouped)


def reports_of_institution(institution: Institution, *, limit: int = 200) -> list[GuardReport]:
    return list(
        GuardReport.objects.filter(institution=institution)
        .select_related("guard", "incident", "incident__station", "site")
        .order_by("-reported_at")[:limit]
    )
