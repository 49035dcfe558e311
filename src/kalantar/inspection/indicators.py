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
from kalantar.feedback.models import FeedbackMessage, MessageClass
from kalantar.inspection import early_intervention as ei
from kalantar.inspection import workflow
from kalantar.inspection.models import Case, Indicator, Review
from kalantar.org.models import Unit
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
        "criticism_197",
        _("Criticism on the 197 line"),
        _(
            "197 messages naming the officer, received within the window, that the operator "
            "classed as criticism (conduct reports, which open inspection cases, are counted "
            "as conduct complaints instead)."
        ),
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
    elif code == "criticism_197":
        rows = FeedbackMessage.objects.filter(
            officer__isnull=False,
            msg_class=MessageClass.CRITICISM,
            is_conduct=False,
            received_at__gte=since,
        )
        field = "officer"
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


def compute(
    now: datetime | None = None,
    *,
    groups: dict[int, str] | None = None,
    chosen: list[tuple[ei.Threshold, int]] | None = None,
) -> dict[int, list[ei.Figure]]:
    now = now or timezone.now()
    groups = officers_and_groups() if groups is None else groups
    chosen = thresholds() if chosen is None else chosen
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for threshold, window in chosen:
        for officer, n in _counts(threshold.code, now - timedelta(days=window)).items():
            counts[officer][threshold.code] = n
    return ei.figures(counts, groups, [t for t, _w in chosen])


def _figure_rows(figures: list[ei.Figure], windows: dict[str, int]) -> list[dict]:
    return [{**f.as_dict(), "window_days": windows.get(f.code, 0)} for f in figures]


def _offices_by_province() -> list[tuple[str, Unit]]:
    """(province path, its inspection office), read once for every flagged officer."""
    offices = Unit.objects.filter(kind=Unit.Kind.INSPECTION, is_active=True, parent__isnull=False)
    return [(o.parent.path, o) for o in offices.select_related("parent").order_by("pk")]


def _office_of(unit: Unit, offices: list[tuple[str, Unit]]) -> Unit | None:
    return next((office for path, office in offices if unit.path.startswith(path)), None)


def open_reviews(now: datetime | None = None) -> tuple[int, int]:
    """Open a review for each flagged officer without an open one; (flagged, opened).
    Reads a fixed number of queries however many officers are flagged."""
    now = now or timezone.now()
    groups = officers_and_groups()
    chosen = thresholds()
    flags = ei.flagged(compute(now, groups=groups, chosen=chosen))
    under_review = set(
        Review.objects.filter(officer_id__in=list(flags), closed_at__isnull=True).values_list(
            "officer_id", flat=True
        )
    )
    officers = User.objects.filter(pk__in=[o for o in flags if o not in under_review])
    offices = _offices_by_province()
    windows = {t.code: w for t, w in chosen}
    reviews = []
    for officer in officers.select_related("unit").order_by("pk"):
        office = _office_of(officer.unit, offices)
        if office is not None:
            reviews.append(
                Review(
                    officer=officer,
                    office=office,
                    peer_group=groups[officer.pk],
                    figures=_figure_rows(flags[officer.pk], windows),
                    opened_at=now,
                    due_on=(now + timedelta(days=REVIEW_DAYS)).date(),
                )
            )
    with transaction.atomic():
        for review in Review.objects.bulk_create(reviews):
            audit.record(
                "inspection.review_opened", obj=review, detail={"officer": review.officer_id}
            )
    return len(flags), len(reviews)


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
