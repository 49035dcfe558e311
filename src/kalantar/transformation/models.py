"""The station transformation programme (طرح تحول): its framework per programme year, the
stations enrolled in waves, their self-assessments, the monthly indicators, the inspectors'
assessments with findings, and the anonymous staff and partner survey."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.core.models import HashedSecret, HashedSecretQuerySet, StoredFile
from kalantar.core.scoping import ScopedQuerySet


class ProgrammeYear(models.Model):
    """One year of the programme (a Jalali year) with its own copy of the framework."""

    year = models.PositiveSmallIntegerField(_("programme year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("programme year")
        verbose_name_plural = _("programme years")
        ordering = ["-year"]
        permissions = [
            ("edit_framework", _("Can edit the programme's framework and enrol stations")),
            ("view_progress", _("Can view the programme's progress")),
            ("self_assess", _("Can record a station's self-assessment")),
            ("assess_station", _("Can grade a station as an inspector")),
        ]

    def __str__(self) -> str:
        return self.title


class Area(models.Model):
    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="areas")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("framework", "area")
        verbose_name_plural = _("areas")
        ordering = ["year", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("question"), max_length=300)
    text_en = models.CharField(_("question in English"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["area", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class Characteristic(models.Model):
    """A characteristic of good (what a good station shows), with the live indicators that
    prove it (codes of `transformation.indicators`)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="characteristics")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    text = models.CharField(_("characteristic of good"), max_length=400)
    text_en = models.CharField(_("in English"), max_length=400, blank=True)
    indicators = models.JSONField(_("indicators"), default=list, blank=True)

    class Meta:
        verbose_name = _("characteristic of good")
        verbose_name_plural = _("characteristics of good")
        ordering = ["question", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def year_id(self) -> int:
        return self.question.area.year_id


class Wave(models.Model):
    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveSmallIntegerField(_("wave"))
    starts_on = models.DateField(_("starts"))

    class Meta:
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        ordering = ["year", "number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="tr_wave_once")]

    def __str__(self) -> str:
        return f"{self.year.year}/{self.number}"


class EnrolmentQuerySet(ScopedQuerySet):
    scope_path = "station__path"


class Enrolment(models.Model):
    """A station in the programme for one year, from the wave it joined in."""

    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="enrolments")
    wave = models.ForeignKey(Wave, on_delete=models.PROTECT, related_name="enrolments")
    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    enrolled_at = models.DateTimeField(_("enrolled"))

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["year", "station"], name="tr_enrol_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.station} ({self.wave})"


class SelfAssessmentQuerySet(ScopedQuerySet):
    scope_path = "enrolment__station__path"


class SelfAssessment(models.Model):
    class Rating(models.TextChoices):
        MET = "met", _("Met")
        PARTLY = "partly", _("Partly met")
        NOT_MET = "not_met", _("Not yet met")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="selfs")
    characteristic = models.ForeignKey(Characteristic, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("rating"), max_length=8, choices=Rating.choices)
    narrative = models.TextField(_("what the station does"), blank=True)
    links = models.JSONField(_("linked records"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"))

    objects = SelfAssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "characteristic"], name="tr_self_once_per_characteristic"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.station}: {self.characteristic}"


class SelfAssessmentDocument(StoredFile):
    attachment_kind = "transformation"

    self_assessment = models.ForeignKey(
        SelfAssessment, on_delete=models.CASCADE, related_name="documents"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("self-assessment document")
        verbose_name_plural = _("self-assessment documents")


class SnapshotQuerySet(ScopedQuerySet):
    scope_path = "station__path"


class IndicatorSnapshot(models.Model):
    """One station's figure of one indicator for one month. `value` is None when the
    month had no inputs for it: shown as "not enough data", never as zero."""

    station = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("indicator"), max_length=40)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (exclusive)"))
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.PositiveIntegerField(default=0)
    value = models.FloatField(_("value"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicator figure")
        verbose_name_plural = _("indicator figures")
        indexes = [models.Index(fields=["period_start", "code"], name="tr_snap_period")]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "code", "period_start", "period_end"], name="tr_snap_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station_id} {self.code} {self.period_start}: {self.value}"


class IndicatorRollup(models.Model):
    """The average of one indicator over the stations under a command (county, province,
    nation) for one month, stored with the stations' snapshots so the progress pages read
    a few rows instead of averaging every station's figures on each visit."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("indicator"), max_length=40)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (exclusive)"))
    average = models.FloatField(_("average"), null=True, blank=True)
    stations = models.PositiveIntegerField(_("stations with data"), default=0)

    class Meta:
        verbose_name = _("indicator average")
        verbose_name_plural = _("indicator averages")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code", "period_start", "period_end"], name="tr_rollup_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.code} {self.period_start}: {self.average}"


class Tier(models.TextChoices):
    """PEEL's five grades, best first."""

    OUTSTANDING = "outstanding", _("Outstanding")
    GOOD = "good", _("Good")
    ADEQUATE = "adequate", _("Adequate")
    REQUIRES_IMPROVEMENT = "requires_improvement", _("Requires improvement")
    INADEQUATE = "inadequate", _("Inadequate")


class AssessmentQuerySet(ScopedQuerySet):
    scope_path = "enrolment__station__path"


class Assessment(models.Model):
    """The province inspectors' assessment of one enrolled station."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="assessments")
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.enrolment.station} {self.started_at:%Y-%m-%d}"


class Grade(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="grades")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("grade"), max_length=24, choices=Tier.choices)
    reasons = models.TextField(_("reasons"))

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="tr_grade_once"),
            models.CheckConstraint(
                condition=models.Q(tier__in=Tier.values), name="tr_grade_five_tiers"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.tier}"


class FindingQuerySet(ScopedQuerySet):
    scope_path = "station__path"

    def open(self) -> FindingQuerySet:
        return self.filter(closed_at__isnull=True)


class Finding(models.Model):
    class Kind(models.TextChoices):
        CAUSE_OF_CONCERN = "concern", _("Cause of concern")
        AREA_FOR_IMPROVEMENT = "improve", _("Area for improvement")

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="findings")
    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    text = models.TextField(pgettext_lazy("assessment", "finding"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField(_("due"))
    raised_at = models.DateTimeField(_("raised"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("assessment", "finding")
        verbose_name_plural = _("findings")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class FindingUpdate(models.Model):
    """A follow-up note on a finding; the one that closes it says so."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="updates")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"))
    closes = models.BooleanField(_("closes the finding"), default=False)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.note[:60]


class SurveyLinkQuerySet(HashedSecretQuerySet):
    def usable(self) -> SurveyLinkQuerySet:
        return self.filter(answered=False)


class SurveyLink(HashedSecret):
    """One link of a station's anonymous survey: answerable once. The answer is stored
    apart from it, without any reference back, so no response can be traced to a link."""

    SECRET_PREFIX = "ksv"

    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    answered = models.BooleanField(default=False)

    objects = SurveyLinkQuerySet.as_manager()

    class Meta(HashedSecret.Meta):
        verbose_name = _("survey link")
        verbose_name_plural = _("survey links")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.station_id})"


class SurveyResponse(models.Model):
    """An anonymous answer: only the station, the year, the role the respondent chose
    and the answers; no time, no link, no person."""

    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=16)
    answers = models.JSONField(_("answers"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.station_id} {self.role}"
