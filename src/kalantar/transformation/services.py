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
from kalantar.core import audit, bulk, files, secrets
from kalantar.core.periods import Month
from kalantar.core.persian import digits, normalize_text
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
    codes = _known_codes(list(codes or []))
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


# --- Editing the framework -------------------------------------------------------------------

Entry = Area | Question | Characteristic

# Each kind of entry's Persian and English text fields.
_TEXT_FIELDS = {Area: ("name", "name_en"), Question: ("text", "text_en")}
IN_USE_MESSAGE = gettext_lazy(
    "Assessments or findings are recorded against this entry, so it cannot be deleted; "
    "edit its text instead."
)


def _known_codes(codes: list[str]) -> list[str]:
    if any(indicators.get(code) is None for code in codes):
        raise ValidationError({"codes": [_("Unknown indicator.")]})
    return list(codes)


def edit_entry(
    *, by, entry: Entry, text: str, text_en: str = "", codes: list[str] | None = None
) -> Entry:
    """New wording for an entry (and, for a characteristic, the indicators proving it)."""
    field, field_en = _TEXT_FIELDS.get(type(entry), ("text", "text_en"))
    before = getattr(entry, field)
    text = _clean_text(text, "text")
    longest = entry._meta.get_field(field).max_length
    if len(text) > longest or len(normalize_text(text_en)) > longest:
        raise ValidationError({"text": [_("At most %(n)s characters.") % {"n": digits(longest)}]})
    setattr(entry, field, text)
    setattr(entry, field_en, normalize_text(text_en))
    changed = [field, field_en]
    if isinstance(entry, Characteristic) and codes is not None:
        entry.indicators = _known_codes(codes)
        changed.append("indicators")
    with transaction.atomic():
        entry.save(update_fields=changed)
        audit.record(
            "transformation.framework_edited", actor=by, obj=entry, detail={"before": before}
        )
    return entry


def _siblings(entry: Entry):
    if isinstance(entry, Area):
        return Area.objects.filter(year_id=entry.year_id)
    if isinstance(entry, Question):
        return Question.objects.filter(area_id=entry.area_id)
    return Characteristic.objects.filter(question_id=entry.question_id)


def _renumber(entries: list[Entry]) -> None:
    """Number the entries 1, 2, … in the given order, writing only those that change."""
    changed = []
    for number, entry in enumerate(entries, 1):
        if entry.order != number:
            entry.order = number
            changed.append(entry)
    if changed:
        type(changed[0]).objects.bulk_update(changed, ["order"])


def move_entry(*, by, entry: Entry, up: bool) -> bool:
    """Swap the entry with the one before (`up`) or after it; False when it is already
    first or last (nothing changes)."""
    with transaction.atomic():
        siblings = list(_siblings(entry).select_for_update().order_by("order", "pk"))
        at = next(i for i, s in enumerate(siblings) if s.pk == entry.pk)
        to = at - 1 if up else at + 1
        if not 0 <= to < len(siblings):
            return False
        siblings[at], siblings[to] = siblings[to], siblings[at]
        _renumber(siblings)
        audit.record(
            "transformation.framework_moved",
            actor=by,
            obj=entry,
            detail={"to": to + 1, "up": up},
        )
    return True


def entry_in_use(entry: Entry) -> bool:
    """Whether a self-assessment, grade or finding rests on the entry or on one under it."""
    if isinstance(entry, Characteristic):
        return SelfAssessment.objects.filter(characteristic=entry).exists()
    questions = (
        Question.objects.filter(pk=entry.pk)
        if isinstance(entry, Question)
        else Question.objects.filter(area=entry)
    )
    return (
        Grade.objects.filter(question__in=questions).exists()
        or Finding.objects.filter(question__in=questions).exists()
        or SelfAssessment.objects.filter(characteristic__question__in=questions).exists()
    )


def delete_entry(*, by, entry: Entry) -> None:
    """Delete an entry no assessment rests on (with what stands under it), and close the
    gap in the numbering; an entry in use is refused and kept."""
    with transaction.atomic():
        if entry_in_use(entry):
            raise ValidationError(IN_USE_MESSAGE)
        siblings = _siblings(entry).exclude(pk=entry.pk)
        audit.record(
            "transformation.framework_deleted",
            actor=by,
            obj=entry,
            detail={"text": str(entry), "order": entry.order},
        )
        entry.delete()
        _renumber(list(siblings.select_for_update().order_by("order", "pk")))


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


# Written below the ORM (core.bulk: COPY, or one executemany on SQLite): building
# 40,000 model instances and their SQL took most of a computation's time.
_SNAPSHOT_COLUMNS = (
    "station_id", "code", "period_start", "period_end",
    "numerator", "denominator", "value", "computed_at",
)  # fmt: skip
_ROLLUP_COLUMNS = ("unit_id", "code", "period_start", "period_end", "average", "stations")


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
        code, start, end = indicator.code, period.start, period.end
        for station_id in station_ids:
            num, den, value = figures.get(station_id, (None, 0, None))
            rows.append((station_id, code, start, end, num, den, value, now))
    with transaction.atomic():
        old = IndicatorSnapshot.objects.filter(period_start=period.start, period_end=period.end)
        if stations is not None:
            old = old.filter(station_id__in=station_ids)
        old.delete()
        bulk.insert(IndicatorSnapshot._meta.db_table, _SNAPSHOT_COLUMNS, rows)
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
                (row["unit"], row["code"], period.start, period.end, average, row["stations"])
            )
    IndicatorRollup.objects.filter(period_start=period.start, period_end=period.end).delete()
    bulk.insert(IndicatorRollup._meta.db_table, _ROLLUP_COLUMNS, rollups)


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


COMPLETED_MESSAGE = gettext_lazy("This assessment is complete and can no longer be changed.")


def _check_open(by, assessment: Assessment) -> None:
    """Only the province's inspectors change an assessment, and only until it is complete."""
    if not may_assess(by, assessment.enrolment.station):
        raise ValidationError(_("Only the province's inspectors can assess this station."))
    if assessment.completed_at is not None:
        raise ValidationError(COMPLETED_MESSAGE)


def ungraded_questions(assessment: Assessment) -> int:
    graded = Grade.objects.filter(assessment=assessment).values("question_id")
    return (
        Question.objects.filter(area__year_id=assessment.enrolment.year_id)
        .exclude(pk__in=graded)
        .count()
    )


def complete_assessment(*, by, assessment: Assessment) -> Assessment:
    """Submit the assessment: every question graded, then locked; its grades become the
    station's published grades and its findings carry on until closed."""
    _check_open(by, assessment)
    missing = ungraded_questions(assessment)
    if missing:
        raise ValidationError(
            _("Grade every question before completing the assessment: %(n)s not graded yet.")
            % {"n": digits(missing)}
        )
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.completed_at is not None:  # completed meanwhile by another inspector
            raise ValidationError(COMPLETED_MESSAGE)
        assessment.completed_at = timezone.now()
        assessment.save(update_fields=["completed_at"])
        audit.record(
            "transformation.assessment_completed",
            actor=by,
            obj=assessment,
            detail={
                "grades": assessment.grades.count(),
                "findings": assessment.findings.count(),
            },
        )
    return assessment


def grade(*, by, assessment: Assessment, question: Question, tier: str, reasons: str) -> Grade:
    """A grade on the five tiers, with its reasons; anything else is refused."""
    _check_open(by, assessment)
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
    _check_open(by, assessment)
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
