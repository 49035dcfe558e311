"""Every read of the programme beyond `.get()`, scoped by `transformation.scope`."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Max, QuerySet

from kalantar.core.periods import Month
from kalantar.org.models import Unit
from kalantar.org.selectors import stations_within
from kalantar.people.models import User
from kalantar.people.scoping import inspection_root
from kalantar.transformation import indicators, survey
from kalantar.transformation.models import (
    Area,
    Assessment,
    Characteristic,
    Enrolment,
    Finding,
    FindingUpdate,
    Grade,
    IndicatorRollup,
    IndicatorSnapshot,
    ProgrammeYear,
    Question,
    SelfAssessment,
    SelfAssessmentDocument,
    SurveyResponse,
    Tier,
)
from kalantar.transformation.scope import sees

TREND_MONTHS = 6


def current_year() -> ProgrammeYear | None:
    return ProgrammeYear.objects.order_by("-year").first()


def year_or_current(year: int | None) -> ProgrammeYear | None:
    if year is None:
        return current_year()
    return ProgrammeYear.objects.filter(year=year).first()


def programme_years() -> QuerySet[ProgrammeYear]:
    return ProgrammeYear.objects.all()


def question_with_pk(pk) -> Question | None:
    return Question.objects.filter(pk=pk).first()


# Each kind of framework entry, and the path from it to its programme year.
_ENTRIES = {
    "area": (Area, "year"),
    "question": (Question, "area__year"),
    "characteristic": (Characteristic, "question__area__year"),
}


def framework_entry(
    year: ProgrammeYear, kind: str, pk: int | str
) -> Area | Question | Characteristic | None:
    """An area, question or characteristic of `year`'s framework by id; None for another
    year's, an unknown kind, or an id that is not a number (as a form's empty parent is)."""
    model, year_path = _ENTRIES.get(kind, (None, ""))
    if model is None or not str(pk).isdigit():
        return None
    return model.objects.filter(pk=int(pk), **{year_path: year}).first()


def person_with_pk(pk) -> User | None:
    return User.objects.filter(pk=pk).first()


def assessment_sheet(assessment: Assessment) -> tuple[list[Question], dict[int, Grade]]:
    """The questions of the assessment's year in the framework's order, and the grades
    given so far by question id."""
    questions = [q for area in framework(assessment.enrolment.year) for q in area.questions.all()]
    return questions, {g.question_id: g for g in assessment.grades.all()}


def stations_to_enrol(user) -> QuerySet[Unit]:
    """The stations within the user's inspection scope, in the tree's order."""
    root = inspection_root(user)
    if root is None:  # no scope; "" is the whole country
        return Unit.objects.none()
    return stations_within(root).order_by("path")


def framework(year: ProgrammeYear) -> list[Area]:
    return list(year.areas.prefetch_related("questions__characteristics"))


def visible_unit(user, code: str | None) -> Unit | None:
    """The unit a progress page is about: `code`, or the top of the user's view."""
    root = inspection_root(user)
    if root is None:
        return None
    if code:
        unit = Unit.objects.filter(code=code).select_related("parent").first()
    elif root == "":
        unit = Unit.objects.filter(kind=Unit.Kind.NATIONAL).first()
    else:
        unit = Unit.objects.filter(path=root).first()
    if unit is None or not unit.path.startswith(root):
        return None
    return unit


def station_for(user, code: str) -> Unit | None:
    unit = visible_unit(user, code)
    return unit if unit is not None and unit.is_station else None


def enrolment_of(year: ProgrammeYear, station: Unit) -> Enrolment | None:
    return Enrolment.objects.filter(year=year, station=station).select_related("wave").first()


@dataclass(frozen=True)
class Share:
    unit: Unit
    stations: int
    enrolled: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.enrolled / self.stations) if self.stations else None


def _children(unit: Unit) -> list[Unit]:
    if unit.is_station:
        return []
    return list(
        Unit.objects.filter(parent=unit).exclude(kind=Unit.Kind.INSPECTION).order_by("name")
    )


# Stations stand under counties, counties under provinces: the lookup from a station to the
# child of a unit of each kind, for grouping by it.
_CHILD_OF_STATION = {
    Unit.Kind.NATIONAL: "parent__parent",
    Unit.Kind.PROVINCE: "parent",
    Unit.Kind.COUNTY: "pk",
}


def _grouped(queryset, key: str) -> dict:
    return dict(queryset.values_list(key).order_by().annotate(n=Count("pk")).values_list(key, "n"))


def enrolment_shares(year: ProgrammeYear, unit: Unit) -> tuple[Share, list[Share]]:
    """Stations and enrolled stations under `unit` and under each of its children: two
    queries (stations, enrolments) grouped by the child each station stands under."""
    children = _children(unit)
    stations = Unit.objects.filter(
        kind__in=Unit.STATION_KINDS, is_active=True, path__startswith=unit.path
    )
    enrolled = Enrolment.objects.filter(
        year=year, station__is_active=True, station__path__startswith=unit.path
    )
    key = _CHILD_OF_STATION.get(unit.kind)
    if key is None:  # a station: its own share
        return Share(unit, stations.count(), enrolled.count()), []
    totals = _grouped(stations, key)
    enrolled_by = _grouped(enrolled, f"station__{key}")
    whole = Share(unit, sum(totals.values()), sum(enrolled_by.values()))
    return whole, [Share(c, totals.get(c.pk, 0), enrolled_by.get(c.pk, 0)) for c in children]


def _under(unit: Unit, field: str) -> dict:
    """The filter to the records of stations under `unit` (none for the nation: skipping
    the join to the units saves most of the national page's time)."""
    if unit.kind == Unit.Kind.NATIONAL:
        return {}
    return {f"{field}__path__startswith": unit.path}


def _latest_assessments(year: ProgrammeYear, unit: Unit):
    """The ids of each enrolled station's latest completed assessment (ids grow with time):
    grades still being given are the inspector's draft, not the station's grades."""
    return (
        Assessment.objects.filter(
            enrolment__year=year, completed_at__isnull=False, **_under(unit, "enrolment__station")
        )
        .values("enrolment")
        .order_by()
        .annotate(last=Max("pk"))
        .values("last")
    )


def grade_counts(year: ProgrammeYear, unit: Unit) -> list[tuple[str, object, int]]:
    """How many question grades of each tier the latest assessments gave, best tier first."""
    rows = dict(
        Grade.objects.filter(assessment_id__in=_latest_assessments(year, unit))
        .values_list("tier")
        .annotate(n=Count("pk"))
        .values_list("tier", "n")
    )
    return [(tier.value, tier.label, rows.get(tier.value, 0)) for tier in Tier]


@dataclass(frozen=True)
class Trend:
    indicator: indicators.Indicator
    points: list[tuple[object, float | None, int]]  # (period start, average, stations with data)


def trends(unit: Unit, months: int = TREND_MONTHS) -> list[Trend]:
    """Each indicator's average over the stations under `unit` for the latest months
    computed (stored with the snapshots); a month where no station had data is "not
    enough data"."""
    if unit.is_station:
        return []
    rows = IndicatorRollup.objects.filter(unit=unit)
    periods = sorted(
        rows.values_list("period_start", flat=True).distinct().order_by("-period_start")[:months]
    )
    by_key = {(r.code, r.period_start): r for r in rows.filter(period_start__in=periods)}
    out = []
    for indicator in indicators.all_indicators():
        points = []
        for start in periods:
            row = by_key.get((indicator.code, start))
            points.append((start, row.average if row else None, row.stations if row else 0))
        out.append(Trend(indicator, points))
    return out


def open_findings(unit: Unit, limit: int | None = 20):
    qs = (
        Finding.objects.filter(**_under(unit, "station"))
        .open()
        .select_related("station", "owner", "question")
        .prefetch_related("updates")  # the findings table lists each one's follow-ups
        .order_by("due_on", "pk")
    )
    return qs[:limit] if limit else qs


def progress(year: ProgrammeYear, unit: Unit) -> dict:
    whole, children = enrolment_shares(year, unit)
    return {
        "share": whole,
        "children": children,
        "grades": grade_counts(year, unit),
        "trends": trends(unit),
        "findings": open_findings(unit),
        "findings_count": Finding.objects.filter(**_under(unit, "station")).open().count(),
    }


# A progress page is kept, rendered, until what it shows changes (see progress_stamp); the
# time limit only bounds what the stamp cannot see (a station deactivated, say).
PROGRESS_CACHE_SECONDS = 6 * 3600


@functools.cache
def _stamp_sql() -> str:
    """The stamp's query, written once: the ORM took longer to build six subqueries on
    every visit than the database took to answer them."""
    quote = connection.ops.quote_name

    def latest(model, column: str = "id", where: str = "") -> str:
        table, column = quote(model._meta.db_table), quote(column)
        return f"(SELECT {column} FROM {table} {where} ORDER BY {column} DESC LIMIT 1)"

    parts = (
        latest(IndicatorRollup),
        latest(Enrolment),
        latest(Assessment, "completed_at", "WHERE completed_at IS NOT NULL"),
        latest(Finding),
        latest(FindingUpdate),
        latest(Unit),
    )
    return "SELECT " + ", ".join(parts)


def progress_stamp() -> str:
    """A value that changes whenever a progress page would: a new computation of the
    indicators (it writes the commands' averages afresh), an enrolment, a completed
    assessment, a finding raised or followed up, a new unit. One query of index lookups."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        row = cursor.fetchone()
    return hashlib.sha256(repr(row).encode()).hexdigest()[:24]


# --- One station ------------------------------------------------------------------------------


def self_assessments(enrolment: Enrolment) -> dict[int, SelfAssessment]:
    return {
        s.characteristic_id: s
        for s in SelfAssessment.objects.filter(enrolment=enrolment).prefetch_related("documents")
    }


def latest_figures(station: Unit) -> dict[str, IndicatorSnapshot]:
    """The station's latest figure of each indicator."""
    last = IndicatorSnapshot.objects.filter(station=station).aggregate(m=Max("period_start"))["m"]
    if last is None:
        return {}
    return {s.code: s for s in IndicatorSnapshot.objects.filter(station=station, period_start=last)}


def station_trend(station: Unit) -> list[IndicatorSnapshot]:
    return list(IndicatorSnapshot.objects.filter(station=station).order_by("code", "period_start"))


def latest_assessment(enrolment: Enrolment) -> Assessment | None:
    return (
        Assessment.objects.filter(enrolment=enrolment)
        .select_related("inspector")
        .prefetch_related("grades__question")
        .order_by("-started_at", "-pk")
        .first()
    )


def assessment_for(user, pk: int) -> Assessment | None:
    assessment = (
        Assessment.objects.filter(pk=pk)
        .select_related("enrolment__station", "enrolment__year")
        .first()
    )
    if assessment is None or not sees(user, assessment.enrolment.station):
        return None
    return assessment


def finding_for(user, pk: int) -> Finding | None:
    finding = Finding.objects.filter(pk=pk).select_related("station").first()
    if finding is None or not sees(user, finding.station):
        return None
    return finding


def characteristic_in(year: ProgrammeYear, pk: int) -> Characteristic | None:
    """A characteristic by id, whatever its year: the service refuses another year's."""
    return Characteristic.objects.filter(pk=pk).select_related("question__area").first()


def survey_summary(station: Unit, year: ProgrammeYear) -> dict | None:
    responses = list(
        SurveyResponse.objects.filter(station=station, year=year).values_list("role", "answers")
    )
    return survey.summarise(responses)


def survey_count(station: Unit, year: ProgrammeYear) -> int:
    return SurveyResponse.objects.filter(station=station, year=year).count()


def figure_records(user, indicator: indicators.Indicator, period: Month, station: Unit):
    """The records behind one station's figure that the user may see."""
    if not sees(user, station):
        return None
    return indicator.records(user, period, station.pk)[:500]


def attachment_for(user, pk: int):
    document = (
        SelfAssessmentDocument.objects.filter(pk=pk)
        .select_related("self_assessment__enrolment__station")
        .first()
    )
    if document is None or not sees(user, document.self_assessment.enrolment.station):
        return None
    return document
