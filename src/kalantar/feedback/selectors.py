"""Reads of the 197 line, always scoped to what the user may see."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import h3
import jdatetime
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from kalantar.core import jalali
from kalantar.feedback import perception
from kalantar.feedback.models import (
    STAGES,
    FeedbackMessage,
    NeighbourhoodAnswer,
    NeighbourhoodSurvey,
    SurveyAnswer,
)
from kalantar.incidents.models import Incident
from kalantar.org.models import Unit


def messages_for(user, unit: Unit | None = None) -> QuerySet[FeedbackMessage]:
    rows = FeedbackMessage.objects.visible_to(user).select_related("unit", "officer")
    return rows.filter(unit=unit) if unit is not None else rows


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def to_classify(user) -> QuerySet[FeedbackMessage]:
    return messages_for(user).filter(confirmed_at=None)


def overdue_callbacks(user, now: datetime | None = None) -> QuerySet[FeedbackMessage]:
    now = now or timezone.now()
    return (
        messages_for(user)
        .filter(called_back_at=None, callback_due__lt=now)
        .order_by("callback_due")
    )


def stations_for(user) -> QuerySet[Unit]:
    units = Unit.objects.filter(kind__in=(Unit.Kind.KALANTARI, Unit.Kind.PASGAH)).order_by("name")
    if getattr(user, "is_superuser", False):
        return units
    root = getattr(getattr(user, "unit", None), "path", None)
    return units.filter(path__startswith=root) if root is not None else units.none()


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last Gregorian day of a Jalali quarter (spring = 1)."""
    first = jdatetime.date(year, 3 * (quarter - 1) + 1, 1).togregorian()
    following = (
        jdatetime.date(year + 1, 1, 1) if quarter == 4 else jdatetime.date(year, 3 * quarter + 1, 1)
    )
    return first, following.togregorian() - timedelta(days=1)


def current_quarter(today: date | None = None) -> tuple[int, int]:
    j = jalali.to_jalali(today or jalali.tehran_today())
    return j.year, (j.month - 1) // 3 + 1


def report_card(user, *, start: date, end: date, unit: Unit | None = None) -> dict:
    """Satisfaction per stage, kept-informed and reconciliation rates (per cent), 197
    volumes by class."""
    answers = SurveyAnswer.objects.visible_to(user).filter(answered_on__range=(start, end))
    if unit is not None:
        answers = answers.filter(unit=unit)
    stage_avgs = answers.aggregate(
        n=Count("id"),
        informed=Count("id", filter=Q(kept_informed__gte=4)),
        **{f: Avg(f) for f, _label in STAGES},
    )
    answered, informed = stage_avgs.pop("n"), stage_avgs.pop("informed")
    messages = messages_for(user, unit).filter(received_at__date__range=(start, end))
    closed = messages.exclude(outcome="")
    reconciled = closed.filter(outcome=FeedbackMessage.Outcome.RECONCILED).count()
    return {
        "answers": answered,
        "stages": [(label, stage_avgs[f]) for f, label in STAGES],
        "kept_informed_rate": _percent(informed, answered),
        "reconciliation_rate": _percent(reconciled, closed.count()),
        "volumes": list(messages.values("msg_class").annotate(n=Count("id")).order_by("-n")),
    }


def dashboard(user, unit: Unit | None = None) -> dict:
    """Volumes by class and topic per month, call-back times and outcomes."""
    rows = messages_for(user, unit).exclude(confirmed_at=None)
    by_month: dict[str, dict[str, int]] = {}
    for received, msg_class in rows.values_list("received_at", "msg_class"):
        j = jalali.to_jalali(received)
        key = f"{j.year}/{j.month:02d}"
        by_month.setdefault(key, {}).setdefault(msg_class, 0)
        by_month[key][msg_class] += 1
    called = rows.exclude(called_back_at=None).values_list("received_at", "called_back_at")
    hours = sorted((back - got).total_seconds() / 3600 for got, back in called)
    return {
        "by_month": sorted(by_month.items()),
        "by_topic": list(rows.values("topic").annotate(n=Count("id")).order_by("-n")),
        "outcomes": list(
            rows.exclude(outcome="").values("outcome").annotate(n=Count("id")).order_by("-n")
        ),
        "callback_median_hours": hours[len(hours) // 2] if hours else None,
        "open": rows.filter(closed_at=None).count(),
        "overdue": rows.filter(Q(called_back_at=None) & Q(callback_due__lt=timezone.now())).count(),
    }


def neighbourhood_surveys(user) -> QuerySet[NeighbourhoodSurvey]:
    return NeighbourhoodSurvey.objects.visible_to(user).select_related("unit").order_by("-pk")


def incidents_per_cell(user, *, days: int = 365) -> dict[str, int]:
    """Recorded incidents of the last year per neighbourhood cell, in the user's scope."""
    since = timezone.now() - timedelta(days=days)
    counts: dict[str, int] = {}
    rows = Incident.objects.visible_to(user).filter(occurred_at__gte=since)
    for cell, n in rows.values_list("h3_cell").annotate(n=Count("id")):
        parent = h3.cell_to_parent(cell, perception.RESOLUTION)
        counts[parent] = counts.get(parent, 0) + n
    return counts


def neighbourhood_results(user, survey: NeighbourhoodSurvey):
    """Per cell: answers, the share feeling unsafe with its interval, incidents, the gap.

    Counted by the database, one row per cell: a province's survey has tens of thousands
    of answers (bench/survey.py)."""
    unsafe = Q(answers__safety__in=perception.UNSAFE)
    rows = (
        NeighbourhoodAnswer.objects.filter(survey=survey)
        .values_list("cell")
        .annotate(n=Count("id"), unsafe=Count("id", filter=unsafe))
        .order_by()
    )
    counts = {cell: (n, u) for cell, n, u in rows}
    return perception.results(counts, incidents_per_cell(user))
