"""The 197 line: messages, their classification and outcome, and satisfaction surveys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.core.scoping import ScopedQuerySet, scope_root

CONDUCT_PERMISSION = "feedback.view_conduct"


class MessageClass(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion")
    APPRECIATION = "appreciation", _("Appreciation")
    CRITICISM = "criticism", _("Criticism")
    COMPLAINT = "complaint", _("Complaint")


class Topic(models.TextChoices):
    TRAFFIC = "traffic", _("Traffic police")
    STATION = "station", _("Station service")
    CONDUCT = "conduct", _("Officer conduct")
    PATROL = "patrol", _("Patrol")
    OTHER = "other", _("Other")


class MessageQuerySet(ScopedQuerySet):
    def visible_to(self, user) -> MessageQuerySet:
        """Messages of the user's units; conduct reports only for those who handle them
        (the 197 operators and inspection), never for the officer's station."""
        rows = super().visible_to(user)
        if scope_root(user) == "" or (user is not None and user.has_perm(CONDUCT_PERMISSION)):
            return rows
        return rows.filter(is_conduct=False)


class FeedbackMessage(models.Model):
    """One call, form or SMS to the 197 line (پیام ۱۹۷)."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone call")
        WEB = "web", _("Online form")
        SMS = "sms", _("SMS")

    class Outcome(models.TextChoices):
        ANSWERED = "answered", pgettext_lazy("197 outcome", "Answered")
        RECONCILED = "reconciled", _("Reconciled")
        REFERRED = "referred", _("Referred")
        INSPECTED = "inspected", _("Inspected")

    received_at = models.DateTimeField(_("received"), db_index=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    caller_name = models.CharField(_("caller's name"), max_length=150, blank=True)
    caller_mobile = models.CharField(_("caller's mobile"), max_length=11, blank=True)
    caller_national_code = models.CharField(_("national code"), max_length=10, blank=True)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("message"))
    suggested_class = models.CharField(max_length=16, choices=MessageClass.choices, blank=True)
    suggested_topic = models.CharField(max_length=16, choices=Topic.choices, blank=True)
    class_confidence = models.FloatField(null=True, blank=True)
    topic_confidence = models.FloatField(null=True, blank=True)
    msg_class = models.CharField(
        _("class"), max_length=16, choices=MessageClass.choices, blank=True
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A complaint or criticism of an officer's conduct: inspection's, never the station's.
    is_conduct = models.BooleanField(_("conduct report"), default=False)
    complaint = models.ForeignKey(
        "complaints.Complaint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    callback_due = models.DateTimeField(_("call back by"), null=True, blank=True)
    called_back_at = models.DateTimeField(_("called back"), null=True, blank=True)
    caller_answer = models.TextField(_("caller's answer"), blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("197 message")
        verbose_name_plural = _("197 messages")
        ordering = ["-received_at"]
        permissions = [("view_conduct", "View conduct reports")]

    def __str__(self) -> str:
        return f"197-{self.pk}"

    @property
    def corrected(self) -> bool:
        return bool(self.confirmed_at) and (
            self.msg_class != self.suggested_class or self.topic != self.suggested_topic
        )


class SurveyLink(models.Model):
    """A one-time link to the satisfaction survey, sent by SMS when a case closes.

    It names the case (so one case gets one link) but its answer is stored apart, with
    no way back to the case or the citizen: the station sees only counts.
    """

    class Source(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        FEEDBACK = "feedback", _("197 message")

    token = models.CharField(max_length=43, unique=True)
    source = models.CharField(max_length=12, choices=Source.choices)
    source_id = models.PositiveBigIntegerField()
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="one_survey_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.source}-{self.source_id}"


class SurveyAnswerQuerySet(ScopedQuerySet):
    pass


class SurveyAnswer(models.Model):
    """One citizen's answer: five stages scored 1–5 and how safe they feel."""

    class Safety(models.TextChoices):
        VERY_SAFE = "very_safe", _("Very safe")
        FAIRLY_SAFE = "fairly_safe", _("Fairly safe")
        A_BIT_UNSAFE = "a_bit_unsafe", _("A bit unsafe")
        VERY_UNSAFE = "very_unsafe", _("Very unsafe")

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=12, choices=SurveyLink.Source.choices)
    answered_on = models.DateField(db_index=True)
    ease_of_contact = models.PositiveSmallIntegerField()
    actions_taken = models.PositiveSmallIntegerField()
    kept_informed = models.PositiveSmallIntegerField()
    treatment = models.PositiveSmallIntegerField()
    whole_experience = models.PositiveSmallIntegerField()
    safety = models.CharField(max_length=16, choices=Safety.choices)

    objects = SurveyAnswerQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.unit_id} {self.answered_on}"


STAGES = (
    ("ease_of_contact", _("Ease of contact")),
    ("actions_taken", _("Actions taken")),
    ("kept_informed", _("Kept informed")),
    ("treatment", _("Treatment")),
    ("whole_experience", _("Whole experience")),
)


DEFAULT_QUESTIONS = [
    {"key": "safety", "text": "در محلهٔ خود چقدر احساس امنیت می‌کنید؟"},
    {"key": "after_dark", "text": "تنها راه رفتن در این محله پس از تاریکی چقدر امن است؟"},
]


class NeighbourhoodSurvey(models.Model):
    """A survey of the feeling of security run by a station or the province: distributed by
    link or QR, or filled in by volunteers at the door."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("run by"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    # [{"key": ..., "text": ...}]: the standard items first, editable by the station.
    questions = models.JSONField(_("questions"), default=list)
    token = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("neighbourhood survey")

    def __str__(self) -> str:
        return self.title


class NeighbourhoodAnswer(models.Model):
    """One resident's answer, located to an H3 cell; no address is stored."""

    survey = models.ForeignKey(NeighbourhoodSurvey, on_delete=models.CASCADE, related_name="+")
    cell = models.CharField(max_length=16, db_index=True)
    answers = models.JSONField(default=dict)  # question key → the chosen safety level
    answered_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.survey_id} {self.cell}"


class NeighbourhoodTally(models.Model):
    """Answers and those feeling unsafe per survey and cell, added to with every answer: a
    province's results read a few hundred of these instead of tens of thousands of answers
    (bench/survey.py)."""

    survey = models.ForeignKey(NeighbourhoodSurvey, on_delete=models.CASCADE, related_name="+")
    cell = models.CharField(max_length=16)
    answers = models.IntegerField(default=0)
    unsafe = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("survey", "cell"), name="feedback_one_tally_per_cell")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id} {self.cell}: {self.unsafe}/{self.answers}"
