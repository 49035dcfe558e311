"""Reads of the 197 line, always scoped to what the user may see."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import h3
import jdatetime
from django.db.models import Avg, Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kalantar.core import jalali
from kalantar.core.extensions import ProblemLead
from kalantar.core.persian import active_digits, digits, format_number
from kalantar.feedback import perception
from kalantar.feedback.models import (
    STAGES,
    FeedbackMessage,
    NeighbourhoodAnswer,
    NeighbourhoodSurvey,
    NeighbourhoodTally,
    SurveyAnswer,
    SurveyLink,
)
from kalantar.incidents.models import Incident
from kalantar.org.models import Unit


def messages_for(user, unit: Unit | None = None) -> QuerySet[FeedbackMessage]:
    rows = FeedbackMessage.objects.visible_to(user).select_related("unit", "officer")
    return rows.filter(unit=unit) if unit is not None else rows


def message_for(user, pk: int) -> FeedbackMessage | None:
    return messages_for(user).filter(pk=pk).first()


def survey_link_by_token(token: str) -> SurveyLink | None:
    """The survey link a caller was sent (anyone holding it may answer)."""
    return SurveyLink.objects.filter(token=token).first()


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def to_classify(user) -> QuerySet[FeedbackMessage]:
    return messages_for(user).filter(confirmed_at=None)


def confirmed_messages(user) -> QuerySet[FeedbackMessage]:
    """Messages whose sender confirmed them, the newest first."""
    return messages_for(user).exclude(confirmed_at=None)


def overdue_callback_count(user) -> int:
    return overdue_callbacks(user).count()


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
    messages = messages_for(user, unit).filter(received_at__date__range=(start, end))
    figures = _card_figures(answers, messages)
    return {
        "answers": figures["answers"],
        "stages": [(label, figures["stages"][f]) for f, label in STAGES],
        "kept_informed_rate": _percent(figures["informed"], figures["answers"]),
        "reconciliation_rate": _percent(figures["reconciled"], figures["closed"]),
        "volumes": [
            {"msg_class": c, "n": n}
            for c, n in sorted(figures["volumes"].items(), key=lambda kv: -kv[1])
        ],
    }


def public_card_figures(unit: Unit, *, start: date, end: date) -> dict:
    """The true figures of a unit's report card (its stations included), for the portal,
    which publishes them under its disclosure rules: counts, never a record."""
    answers = SurveyAnswer.objects.filter(
        unit__path__startswith=unit.path, answered_on__range=(start, end)
    )
    # Conduct reports are the inspection's: a station must not learn of them from the portal.
    messages = FeedbackMessage.objects.filter(
        unit__path__startswith=unit.path, received_at__date__range=(start, end), is_conduct=False
    )
    return _card_figures(answers, messages)


def _card_figures(answers: QuerySet[SurveyAnswer], messages: QuerySet[FeedbackMessage]) -> dict:
    """Counts and means of a report card: answers, mean per stage, answers rating "kept
    informed" 4 or 5, closed and reconciled messages, messages per class."""
    stage_avgs = answers.aggregate(
        n=Count("id"),
        informed=Count("id", filter=Q(kept_informed__gte=4)),
        **{f: Avg(f) for f, _label in STAGES},
    )
    closed = messages.exclude(outcome="")
    return {
        "answers": stage_avgs.pop("n"),
        "informed": stage_avgs.pop("informed"),
        "stages": stage_avgs,
        "closed": closed.count(),
        "reconciled": closed.filter(outcome=FeedbackMessage.Outcome.RECONCILED).count(),
        "volumes": dict(messages.values_list("msg_class").annotate(n=Count("id")).order_by()),
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


def neighbourhood_survey_for(user, pk: int) -> NeighbourhoodSurvey | None:
    return NeighbourhoodSurvey.objects.visible_to(user).filter(pk=pk).first()


def neighbourhood_survey_by_token(token: str) -> NeighbourhoodSurvey | None:
    """The survey a resident's link or QR code opens."""
    return NeighbourhoodSurvey.objects.filter(token=token).first()


def incidents_per_cell(user, *, days: int = 365) -> dict[str, int]:
    """Recorded incidents of the last year per neighbourhood cell, in the user's scope."""
    since = timezone.now() - timedelta(days=days)
    counts: dict[str, int] = {}
    rows = Incident.objects.visible_to(user).filter(occurred_at__gte=since)
    for cell, n in rows.values_list("h3_cell").annotate(n=Count("id")):
        parent = h3.cell_to_parent(cell, perception.RESOLUTION)
        counts[parent] = counts.get(parent, 0) + n
    return counts


def answers_per_cell(survey: NeighbourhoodSurvey) -> dict[str, tuple[int, int]]:
    """{cell: (answers, feeling unsafe)} counted from the answers themselves (the tallies
    are rebuilt from this)."""
    unsafe = Q(answers__safety__in=perception.UNSAFE)
    rows = (
        NeighbourhoodAnswer.objects.filter(survey=survey)
        .values_list("cell")
        .annotate(n=Count("id"), unsafe=Count("id", filter=unsafe))
        .order_by()
    )
    return {cell: (n, u) for cell, n, u in rows}


def neighbourhood_results(user, survey: NeighbourhoodSurvey, incidents: dict | None = None):
    """Per cell: answers, the share feeling unsafe with its interval, incidents, the gap.

    From the tallies kept with every answer, one row per cell: a province's survey has tens
    of thousands of answers (bench/survey.py)."""
    rows = NeighbourhoodTally.objects.filter(survey=survey, answers__gt=0)
    counts = {cell: (n, u) for cell, n, u in rows.values_list("cell", "answers", "unsafe")}
    return perception.results(counts, incidents_per_cell(user) if incidents is None else incidents)


def _share(value: float) -> str:
    return format_number(value, digits=active_digits(), decimals=2)


def cell_label(cell: perception.CellResult) -> str:
    """What the map says of a cell: its figures, or why they are not shown."""
    if cell.suppressed:
        return _("Fewer than %(n)s answers: not shown.") % {"n": digits(perception.MIN_COUNT)}
    text = _(
        "%(answers)s answers; %(share)s feel unsafe (95%% interval %(low)s–%(high)s); "
        "%(incidents)s incidents in 12 months."
    ) % {
        "answers": digits(cell.answers),
        "share": _share(cell.unsafe_share),
        "low": _share(cell.low),
        "high": _share(cell.high),
        "incidents": digits(cell.incidents),
    }
    return f"{text} {GAP_TEXTS[cell.gap]}" if cell.gap else text


GAP_TEXTS = {
    perception.FEELS_UNSAFE: _lazy("Feels unsafe, few incidents: visibility and communication"),
    perception.FEELS_SAFE: _lazy("Feels safe, many incidents: warning"),
}


def gap_map(cells: list[perception.CellResult]) -> str:
    """The cells as GeoJSON for the perception-gap map: a suppressed cell carries no figure."""
    features = [
        {
            "type": "Feature",
            "geometry": perception.cell_polygon(c.cell),
            "properties": {
                "gap": c.gap,
                "suppressed": c.suppressed,
                "share": None if c.suppressed else round(c.unsafe_share, 3),
                "label": cell_label(c),
            },
        }
        for c in cells
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


LEAD_SURVEYS = 5  # the latest surveys a user can see feed their problem list


def perception_gap_leads(user) -> list[ProblemLead]:
    """The perception gaps of the latest surveys the user may see, as leads for the
    station's problem-solving list."""
    surveys = list(neighbourhood_surveys(user)[:LEAD_SURVEYS])
    if not surveys:
        return []
    incidents = incidents_per_cell(user)
    leads = []
    for survey in surveys:
        cells, overall = neighbourhood_results(user, survey, incidents)
        for cell in cells:
            if cell.gap:
                leads.append(_lead(survey, cell, overall))
    return leads


def _lead(survey: NeighbourhoodSurvey, cell: perception.CellResult, overall: float) -> ProblemLead:
    title = {
        perception.FEELS_UNSAFE: _("Residents feel unsafe where incidents are few"),
        perception.FEELS_SAFE: _("Residents feel safe where incidents are many"),
    }[cell.gap]
    trigger = _(
        "Perception gap in the survey “%(survey)s”: %(label)s The share of all shown "
        "neighbourhoods is %(overall)s; the test is the 95%% Wilson interval against that "
        "share and the neighbourhood's incidents against the median."
    ) % {"survey": survey.title, "label": cell_label(cell), "overall": _share(overall)}
    return ProblemLead(
        source="perception_gap",
        unit_id=survey.unit_id,
        cell=cell.cell,
        title=title,
        trigger=trigger,
        evidence_url=reverse("feedback:neighbourhood", args=[survey.pk]),
    )
