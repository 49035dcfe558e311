"""Every write of the transformation programme: one transaction each, audited inside it."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalantar.complaints.codes import normalize_tracking_code
from kalantar.complaints.models import Complaint
from kalantar.core import audit, files, secrets
from kalantar.core.periods import Month
from kalantar.core.persian import normalize_text
from kalantar.core.scoping import can_see_unit
from kalantar.core.uploads import UploadedFile, attachment_error
from kalantar.incidents.models import Incident
from kalantar.org.models import Unit
from kalantar.transformation import indicators, survey
from kalantar.transformation.draft import DRAFT
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
    SurveyLink,
    SurveyResponse,
    Tier,
    Wave,
)
from kalantar.transformation.scope import may_assess

TIER_MESSAGE = gettext_lazy(
    "A grade is one of: outstanding, good, adequate, requires improvement, inadequate."
)

# --- The framework -----------------------------------------------------------------------------


def create_year(*, by, year: int, title: str, title_en: str = "", draft: bool = True):
    """A new programme year, with the draft framework when `draft`."""
    with transaction.atomic():
        if ProgrammeYear.objects.filter(year=year).exists():
            raise ValidationError(_("The programme already has a year %(y)s.") % {"y": year})
        programme = ProgrammeYear.objects.create(year=year, title=title, title_en=title_en)
        if draft:
            _load_draft(programme)
        audit.record("transformation.year_created", actor=by, obj=programme)
    return programme


def _load_draft(programme: ProgrammeYear) -> None:
    for a, (area_fa, area_en, questions) in enumerate(DRAFT, 1):
        area = Area.objects.create(year=programme, order=a, name=area_fa, name_en=area_en)
        for q, (q_fa, q_en, characteristics) in enumerate(questions, 1):
            question = Question.objects.create(area=area, order=q, text=q_fa, text_en=q_en)
            for c, (c_fa, c_en, codes) in enumerate(characteristics, 1):
                Characteristic.objects.create(
                    question=question, order=c, text=c_fa, text_en=c_en, indicators=list(codes)
                )


def copy_year(*, by, source: ProgrammeYear, year: int, title: str, title_en: str = ""):
    """The next programme year, starting from a copy of `source`'s framework."""
    with transaction.atomic():
        if ProgrammeYear.objects.filter(year=year).exists():
            raise ValidationError(_("The programme already has a year %(y)s.") % {"y": year})
        target = ProgrammeYear.objects.create(year=year, title=title, title_en=title_en)
        for area in source.areas.prefetch_related("questions__characteristics"):
            new_area = Area.objects.create(
                year=target, order=area.order, name=area.name, name_en=area.name_en
            )
            for question in area.questions.all():
                new_q = Question.objects.create(
                    area=new_area,
                    order=question.order,
                    text=question.text,
                    text_en=question.text_en,
                )
                Characteristic.objects.bulk_create(
                    Characteristic(
                        question=new_q,
                        order=c.order,
                        text=c.text,
                        text_en=c.text_en,
                        indicators=list(c.indicators),
                    )
                    for c in question.characteristics.all()
                )
        audit.record(
            "transformation.year_copied", actor=by, obj=target, detail={"from": source.year}
        )
    return target


def _clean_text(value: str, field: str) -> str:
    value = normalize_text(value)
    if not value:
        raise ValidationError({field: [_("This field is required.")]})
    return value


def add_area(*, by, year: ProgrammeYear, name: str, name_en: str = "") -> Area:
    with transaction.atomic():
        area = Area.objects.create(
            year=year,
            order=year.areas.count() + 1,
            name=_clean_text(name, "name"),
            name_en=normalize_text(name_en),
        )
        audit.record("transformation.framework_changed", actor=by, obj=area)
    return area


def add_question(*, by, area: Area, text: str, text_en: str = "") -> Question:
    with transaction.atomic():
        question = Question.objects.create(
            area=area,
            order=area.questions.count() + 1,
            text=_clean_text(text, "text"),
            text_en=normalize_text(text_en),
        )
        audit.record("transformation.framework_changed", actor=by, obj=question)
    return question


def add_characteristic(
    *, by, question: Question, text: str, text_en: str = "", codes: list[str] | None = None
) -> Characteristic:
    codes = list(codes or [])
    unknown = [code for code in codes if indicators.get(code) is None]
    if unknown:
        raise ValidationError({"codes": [_("Unknown indicator.")]})
    with transaction.atomic():
        characteristic = Characteristic.objects.create(
            question=question,
            order=question.characteristics.count() + 1,
            text=_clean_text(text, "text"),
            text_en=normalize_text(text_en),
            indicators=codes,
        )
        audit.record("transformation.framework_changed", actor=by, obj=characteristic)
    return characteristic


# --- Enrolment -------------------------------------------------------------------------------


def open_wave(*, by, year: ProgrammeYear, starts_on: date) -> Wave:
    with transaction.atomic():
        wave = Wave.objects.create(year=year, number=year.waves.count() + 1, starts_on=starts_on)
        audit.record("transformation.wave_opened", actor=by, obj=wave)
    return wave


def enrol(*, by, wave: Wave, stations: list[Unit], now: datetime | None = None) -> int:
    """Enrol stations in `wave`; stations already in the year are left as they are."""
    now = now or timezone.now()
    if any(not s.is_station for s in stations):
        raise ValidationError(_("Only stations and outposts can be enrolled."))
    with transaction.atomic():
        already = set(
            Enrolment.objects.filter(year=wave.year, station__in=stations).values_list(
                "station_id", flat=True
            )
        )
        new = [
            Enrolment(year=wave.year, wave=wave, station=s, enrolled_at=now)
            for s in stations
            if s.pk not in already
        ]
        Enrolment.objects.bulk_create(new)
        audit.record(
            "transformation.enrolled",
            actor=by,
            obj=wave,
            detail={"stations": [e.station.code for e in new]},
        )
    return len(new)


# --- Self-assessment -------------------------------------------------------------------------


def self_assess(
    *,
    by,
    enrolment: Enrolment,
    characteristic: Characteristic,
    rating: str,
    narrative: str = "",
    links: list[str] | None = None,
    documents: list[UploadedFile] | None = None,
) -> SelfAssessment:
    """The station's own rating of one characteristic, with its evidence."""
    if not can_see_unit(by, enrolment.station):
        raise ValidationError(_("This station is outside your units."))
    if characteristic.year_id != enrolment.year_id:
        raise ValidationError(
            _("This characteristic belongs to another programme year than the station's enrolment.")
        )
    if rating not in SelfAssessment.Rating.values:
        raise ValidationError({"rating": [_("Choose one of the ratings.")]})
    documents = documents or []
    errors = [e for e in (attachment_error(d) for d in documents) if e]
    if errors:
        raise ValidationError({"documents": errors})
    with transaction.atomic():
        record, _created = SelfAssessment.objects.update_or_create(
            enrolment=enrolment,
            characteristic=characteristic,
            defaults={
                "rating": rating,
                "narrative": normalize_text(narrative, multiline=True),
                "links": _record_links(by, enrolment.station, links or []),
                "updated_by": by,
                "updated_at": timezone.now(),
            },
        )
        for upload in documents:
            files.store(SelfAssessmentDocument(self_assessment=record, uploaded_by=by), upload)
        audit.record(
            "transformation.self_assessed",
            actor=by,
            obj=record,
            detail={"rating": rating, "documents": len(documents)},
        )
    return record


def _record_links(by, station: Unit, links: list[str]) -> list[str]:
    """The records a self-assessment points to, each a complaint's tracking code or an
    incident's number of the station that `by` may see; anything else is refused."""
    found, unknown = [], []
    for raw in (normalize_text(link) for link in links):
        if not raw:
            continue
        record = _linked_record(by, station, raw)
        (found if record else unknown).append(record or raw)
    if unknown:
        raise ValidationError(
            {
                "links": [
                    _("No complaint or incident of this station has the number %(ref)s.")
                    % {"ref": ", ".join(unknown)}
                ]
            }
        )
    return found


def _linked_record(by, station: Unit, raw: str) -> str | None:
    try:
        code = normalize_tracking_code(raw)
    except ValueError:
        code = None
    complaints = Complaint.objects.visible_to(by).filter(unit=station)
    if code and complaints.filter(tracking_code=code).exists():
        return code
    number = raw.upper()
    if Incident.objects.visible_to(by).filter(station=station, number=number).exists():
        return number
    return None


# --- Indicators --------------------------------------------------------------------------------


def compute_indicators(period: Month, *, stations: list[int] | None = None) -> int:
    """Every station's figure of every indicator for `period`, stored as its snapshot: one
    grouped query per indicator. Stations with no records get a snapshot without a value
    ("not enough data"). Returns how many figures were stored."""
    station_ids = stations
    if station_ids is None:
        station_ids = list(
            Unit.objects.filter(kind__in=Unit.STATION_KINDS).values_list("pk", flat=True)
        )
    now = timezone.now()
    rows = []
    for indicator in indicators.all_indicators():
        figures = indicator.per_station(period, None if stations is None else station_ids)
        for station_id in station_ids:
            num, den, value = figures.get(station_id, (None, 0, None))
            rows.append(
                IndicatorSnapshot(
                    station_id=station_id,
                    code=indicator.code,
                    period_start=period.start,
                    period_end=period.end,
                    numerator=num,
                    denominator=den,
                    value=value,
                    computed_at=now,
                )
            )
    with transaction.atomic():
        old = IndicatorSnapshot.objects.filter(period_start=period.start, period_end=period.end)
        if stations is not None:
            old = old.filter(station_id__in=station_ids)
        old.delete()
        IndicatorSnapshot.objects.bulk_create(rows, batch_size=2000)
        _roll_up(period)
    return len(rows)


# A station's county, province and nation, as lookups from its snapshot.
_LEVELS = ("station__parent_id", "station__parent__parent_id", "station__parent__parent__parent_id")


def _roll_up(period: Month) -> None:
    """Each command's average of each indicator over its stations with data: one grouped
    query per level of the command tree."""
    snapshots = IndicatorSnapshot.objects.filter(period_start=period.start, period_end=period.end)
    rollups = []
    for level in _LEVELS:
        for row in (
            snapshots.values("code", unit=F(level))
            .order_by()
            .annotate(average=Avg("value"), stations=Count("value"))
        ):
            if row["unit"] is None:
                continue
            average = None if row["average"] is None else round(row["average"], 1)
            rollups.append(
                IndicatorRollup(
                    unit_id=row["unit"],
                    code=row["code"],
                    period_start=period.start,
                    period_end=period.end,
                    average=average,
                    stations=row["stations"],
                )
            )
    IndicatorRollup.objects.filter(period_start=period.start, period_end=period.end).delete()
    IndicatorRollup.objects.bulk_create(rollups, batch_size=2000)


# --- The inspectors' assessment ----------------------------------------------------------------


def start_assessment(*, by, enrolment: Enrolment) -> Assessment:
    """A new assessment of an enrolled station; the open findings of earlier ones carry on."""
    if not may_assess(by, enrolment.station):
        raise ValidationError(_("Only the province's inspectors can assess this station."))
    with transaction.atomic():
        assessment = Assessment.objects.create(
            enrolment=enrolment, inspector=by, started_at=timezone.now()
        )
        carried = Finding.objects.filter(station=enrolment.station).open().count()
        audit.record(
            "transformation.assessment_started",
            actor=by,
            obj=assessment,
            detail={"open_findings": carried},
        )
    return assessment


def grade(*, by, assessment: Assessment, question: Question, tier: str, reasons: str) -> Grade:
    """A grade on the five tiers, with its reasons; anything else is refused."""
    if not may_assess(by, assessment.enrolment.station):
        raise ValidationError(_("Only the province's inspectors can assess this station."))
    if tier not in Tier.values:
        raise ValidationError({"tier": [TIER_MESSAGE]})
    if question.area.year_id != assessment.enrolment.year_id:
        raise ValidationError(_("This question belongs to another programme year."))
    reasons = normalize_text(reasons, multiline=True)
    if not reasons:
        raise ValidationError({"reasons": [_("Give the reasons for the grade.")]})
    with transaction.atomic():
        record, _created = Grade.objects.update_or_create(
            assessment=assessment, question=question, defaults={"tier": tier, "reasons": reasons}
        )
        audit.record("transformation.graded", actor=by, obj=assessment, detail={"tier": tier})
    return record


def raise_finding(
    *, by, assessment: Assessment, question: Question, kind: str, text: str, owner, due_on: date
) -> Finding:
    if not may_assess(by, assessment.enrolment.station):
        raise ValidationError(_("Only the province's inspectors can assess this station."))
    if kind not in Finding.Kind.values:
        raise ValidationError({"kind": [_("Choose cause of concern or area for improvement.")]})
    text = normalize_text(text, multiline=True)
    if not text:
        raise ValidationError({"text": [_("Write the finding.")]})
    if not can_see_unit(owner, assessment.enrolment.station) and owner.unit_id != by.unit_id:
        raise ValidationError({"owner": [_("The owner must work at the station or inspect it.")]})
    with transaction.atomic():
        finding = Finding.objects.create(
            assessment=assessment,
            station=assessment.enrolment.station,
            question=question,
            kind=kind,
            text=text,
            owner=owner,
            due_on=due_on,
            raised_at=timezone.now(),
        )
        audit.record("transformation.finding_raised", actor=by, obj=finding, detail={"kind": kind})
    return finding


def follow_up(*, by, finding: Finding, note: str, closes: bool = False) -> FindingUpdate:
    """A follow-up note; only an inspector closes a finding."""
    note = normalize_text(note, multiline=True)
    if not note:
        raise ValidationError({"note": [_("Write the follow-up.")]})
    if finding.closed_at is not None:
        raise ValidationError(_("This finding is closed."))
    inspector = may_assess(by, finding.station)
    if not inspector and not can_see_unit(by, finding.station):
        raise ValidationError(_("This station is outside your units."))
    if closes and not inspector:
        raise ValidationError(_("Only the province's inspectors can close a finding."))
    with transaction.atomic():
        now = timezone.now()
        update = FindingUpdate.objects.create(
            finding=finding, by=by, at=now, note=note, closes=closes
        )
        if closes:
            finding.closed_at = now
            finding.save(update_fields=["closed_at"])
        audit.record(
            "transformation.finding_followed_up", actor=by, obj=finding, detail={"closes": closes}
        )
    return update


# --- The anonymous survey ----------------------------------------------------------------------


def issue_survey_links(*, by, station: Unit, year: ProgrammeYear, count: int) -> list[str]:
    """`count` one-use links for the station's survey; the raw tokens are shown once."""
    if not can_see_unit(by, station) or not station.is_station:
        raise ValidationError(_("This station is outside your units."))
    if not 1 <= count <= 500:
        raise ValidationError({"count": [_("Between 1 and 500 links at a time.")]})
    tokens = []
    with transaction.atomic():
        for _i in range(count):
            link = SurveyLink(station=station, year=year)
            tokens.append(link.draw_secret())
            link.save()
        audit.record(
            "transformation.survey_links_issued",
            actor=by,
            obj=station,
            detail={"count": count, "year": year.year},
        )
    return tokens


def answer_survey(*, token: str, role: str, answers: dict[str, int]) -> SurveyResponse:
    """Store one anonymous answer and spend the link. A link answers once; the response
    keeps no reference to it."""
    problems = survey.check_answer(role, answers)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        link = (
            SurveyLink.objects.select_for_update()
            .filter(digest=secrets.digest(token or ""))
            .first()
        )
        if link is None:
            raise ValidationError(_("This survey link is not valid."))
        if link.answered:
            raise ValidationError(_("This survey link has already been answered."))
        link.answered = True
        link.save(update_fields=["answered"])
        response = SurveyResponse.objects.create(
            station=link.station, year=link.year, role=role, answers=answers
        )
    return response
