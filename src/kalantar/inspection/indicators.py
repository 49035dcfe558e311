"""The early-intervention indicators as the platform counts them, and the run that opens a
supportive review for each officer far above their peers (early_intervention.py decides)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kalantar.complaints.models import Complaint
from kalantar.core import audit
from kalantar.inspection import early_intervention as ei
from kalantar.inspection import workflow
from kalantar.inspection.models import Case, Indicator, Review
from kalantar.inspection.services import inspection_office
from kalantar.people.models import User

REVIEW_DAYS = 30


@dataclass(frozen=True)
class Definition:
    code: str
    label: object
    definition: object


INDICATORS = (
    Definition(
        "conduct_cases",
        _("Conduct complaints"),
        _("Inspection cases naming the officer, opened within the window, whatever their outcome."),
    ),
    Definition(
        "substantiated",
        _("Substantiated findings"),
        _("Inspection cases naming the officer whose finding within the window was substantiated."),
    ),
    Definition(
        "low_satisfaction",
        _("Dissatisfied complainants"),
        _(
            "Complaints the officer handled, closed within the window, that the citizen rated "
            "1 or 2 out of 5."
        ),
    ),
)
BY_CODE = {d.code: d for d in INDICATORS}


def thresholds() -> list[tuple[ei.Threshold, int]]:
    """(threshold, window in days) of each indicator in use: the office's settings, or the
    defaults for an indicator nobody has set."""
    stored = {i.code: i for i in Indicator.objects.all()}
    out = []
    for definition in INDICATORS:
        row = stored.get(definition.code) or Indicator(code=definition.code)
        if row.enabled:
            out.append((ei.Threshold(row.code, row.min_count, row.z_threshold), row.window_days))
    return out


def _counts(code: str, since: datetime) -> dict[int, int]:
    if code == "conduct_cases":
        rows = Case.objects.filter(accused_officer__isnull=False, opened_at__gte=since)
        field = "accused_officer"
    elif code == "substantiated":
        rows = Case.objects.filter(
            finding=workflow.SUBSTANTIATED,
            accused_officer__isnull=False,
            events__to_status=workflow.FINDING,
            events__at__gte=since,
        )
        field = "accused_officer"
    else:
        rows = Complaint.objects.filter(
            assigned_to__isnull=False, satisfaction__lte=2, closed_at__gte=since
        )
        field = "assigned_to"
    return dict(rows.values_list(field).annotate(n=Count("pk", distinct=True)))


def officers_and_groups() -> dict[int, str]:
    """Officer id → peer group: the same role at the same kind of station."""
    officers = User.objects.filter(
        is_active=True, officer_profile__isnull=False, unit__kind__in=("kalantari", "pasgah")
    ).prefetch_related("groups")
    groups = {}
    for officer in officers.select_related("unit"):
        roles = sorted(g.name for g in officer.groups.all())
        groups[officer.pk] = f"{roles[0] if roles else '-'}/{officer.unit.kind}"
    return groups


def compute(now: datetime | None = None) -> dict[int, list[ei.Figure]]:
    now = now or timezone.now()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    chosen = thresholds()
    for threshold, window in chosen:
        for officer, n in _counts(threshold.code, now - timedelta(days=window)).items():
            counts[officer][threshold.code] = n
    return ei.figures(counts, officers_and_groups(), [t for t, _w in chosen])


def _figure_rows(figures: list[ei.Figure]) -> list[dict]:
    windows = {t.code: w for t, w in thresholds()}
    return [{**f.as_dict(), "window_days": windows.get(f.code, 0)} for f in figures]


def open_reviews(now: datetime | None = None) -> tuple[int, int]:
    """Open a review for each flagged officer without an open one; (flagged, opened)."""
    now = now or timezone.now()
    groups = officers_and_groups()
    flags = ei.flagged(compute(now))
    opened = 0
    for officer_id, figures in flags.items():
        if Review.objects.filter(officer_id=officer_id, closed_at__isnull=True).exists():
            continue
        officer = User.objects.select_related("unit").get(pk=officer_id)
        office = inspection_office(officer.unit)
        if office is None:
            continue
        with transaction.atomic():
            review = Review.objects.create(
                officer=officer,
                office=office,
                peer_group=groups[officer_id],
                figures=_figure_rows(figures),
                opened_at=now,
                due_on=(now + timedelta(days=REVIEW_DAYS)).date(),
            )
            audit.record("inspection.review_opened", obj=review, detail={"officer": officer_id})
        opened += 1
    return len(flags), opened


def false_flag_rate(now: datetime | None = None) -> tuple[int, int, float | None]:
    """(flagged, flagged without a substantiated finding in any window, their share) under
    the current thresholds: a flag that no finding confirms counts as false."""
    now = now or timezone.now()
    flags = set(ei.flagged(compute(now)))
    concerns = set(
        Case.objects.filter(finding=workflow.SUBSTANTIATED, accused_officer__isnull=False)
        .values_list("accused_officer", flat=True)
        .distinct()
    )
    return len(flags), len(flags - concerns), ei.false_flag_rate(flags, concerns)
