"""Inspection cases about officers' conduct, and the early-intervention reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kalantar.core.models import StoredFile
from kalantar.core.scoping import ScopedQuerySet, scope_root
from kalantar.inspection import workflow


class CaseQuerySet(ScopedQuerySet):
    scope_path = "office__path"

    def visible_to(self, user) -> CaseQuerySet:
        """Only the inspection office (and the commands above it) with the inspection role
        see a case; never the accused officer, whatever their role, nor their station."""
        if not user.has_perm("inspection.view_case"):
            return self.none()
        # The office is never below a station, so its scope leaves the station out.
        return super().visible_to(user).exclude(accused_officer=user)

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=workflow.OPEN_STATUSES)


class Case(models.Model):
    """A case the province's inspection office opened about an officer's conduct."""

    class Source(models.TextChoices):
        CONDUCT_COMPLAINT = "complaint", _("Conduct complaint")
        LINE_197 = "line197", _("The 197 line")
        GUARD_REPORT = "guard", _("A guard's report")
        CITIZEN_REPORT = "citizen", _("A citizen's report")
        INSPECTOR = "inspector", _("Opened by an inspector")

    source_kind = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # The record it came from, as its app shows it (a tracking code, a 197 message number).
    source_reference = models.CharField(_("source reference"), max_length=40, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=10, blank=True, db_index=True)
    complainant_name = models.CharField(_("complainant's name"), max_length=150, blank=True)
    complainant_mobile = models.CharField(_("complainant's mobile"), max_length=11, blank=True)
    accused_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer complained about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # As the source named them, when no account matched.
    accused_name = models.CharField(_("officer as named"), max_length=150, blank=True)
    station = models.ForeignKey(
        "org.Unit",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office = models.ForeignKey(
        "org.Unit", verbose_name=_("inspection office"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(_("summary"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=workflow.STATUS_CHOICES, default=workflow.RECEIVED
    )
    step_due = models.DateTimeField(_("step due"), null=True, blank=True, db_index=True)
    finding = models.CharField(
        _("finding"), max_length=20, choices=workflow.FINDING_CHOICES, blank=True
    )
    finding_reason = models.TextField(_("reason for the finding"), blank=True)
    measure = models.CharField(
        _("measure"), max_length=12, choices=workflow.MEASURE_CHOICES, blank=True
    )
    measure_note = models.TextField(_("measure note"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("inspection case")
        verbose_name_plural = _("inspection cases")
        ordering = ["step_due", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"

    def get_absolute_url(self) -> str:
        return reverse("inspection:case", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in workflow.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.step_due is not None and self.step_due < timezone.now()

    @property
    def accused_display(self) -> str:
        if self.accused_officer_id:
            return self.accused_officer.get_full_name() or self.accused_officer.username
        return self.accused_name


class CaseEvent(models.Model):
    """One step of a case: who moved it, when, with what note; `public` steps are what the
    complainant reads by tracking code."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    to_status = models.CharField(_("step"), max_length=16, choices=workflow.STATUS_CHOICES)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.to_status}"


class Interview(models.Model):
    """Someone the inspector heard: the complainant, a witness, the officer."""

    class Role(models.TextChoices):
        COMPLAINANT = "complainant", _("Complainant")
        WITNESS = "witness", _("Witness")
        OFFICER = "officer", _("Officer complained about")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interviews")
    person = models.CharField(_("person heard"), max_length=150)
    role = models.CharField(_("as"), max_length=12, choices=Role.choices)
    held_on = models.DateField(_("date"))
    summary = models.TextField(_("what they said"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return self.person


class CaseDocument(StoredFile):
    """A document attached to a case (a statement, a letter, a photo)."""

    attachment_kind = "inspection"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["uploaded_at"]


class CaseFootage(models.Model):
    """A camera recording of the evidence app that bears on a case. Kept here: inspection
    stands above evidence, which knows nothing of cases."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="footage")
    item = models.ForeignKey(
        "evidence.EvidenceItem",
        verbose_name=_("recording"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("linked recording")
        verbose_name_plural = _("linked recordings")
        constraints = [
            models.UniqueConstraint(fields=["case", "item"], name="inspection_footage_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.item_id}"


# --- Early intervention -----------------------------------------------------------------------


class Indicator(models.Model):
    """One early-intervention indicator's settings, editable by the inspection office; the
    code names a count the platform computes (early_intervention.INDICATORS)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    enabled = models.BooleanField(_("in use"), default=True)
    window_days = models.PositiveSmallIntegerField(_("window (days)"), default=180)
    min_count = models.PositiveSmallIntegerField(_("at least (events)"), default=3)
    # How far above the peers' mean, in their standard deviations, counts as "far above".
    z_threshold = models.FloatField(_("standard deviations above peers"), default=2.0)

    class Meta:
        verbose_name = _("early-intervention indicator")
        verbose_name_plural = _("early-intervention indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ReviewQuerySet(ScopedQuerySet):
    scope_path = "office__path"

    def visible_to(self, user) -> ReviewQuerySet:
        """The inspection office sees its province's reviews; a chief, those of their own
        officers; never the officer under review, nor any colleague without the permission."""
        if not user.has_perm("inspection.view_review"):
            return self.none()
        root = scope_root(user)
        if root is None:
            return self.none()
        seen = (
            self.all()
            if root == ""
            else self.filter(
                Q(office__path__startswith=root) | Q(officer__unit__path__startswith=root)
            )
        )
        return seen.exclude(officer=user)


class Review(models.Model):
    """A supportive review of an officer the indicators put far above their peers. Never a
    sanction by itself: its outcome says what support follows."""

    class Outcome(models.TextChoices):
        NO_ACTION = "no_action", _("No action")
        TRAINING = "training", _("Training")
        MENTORING = "mentoring", _("Mentoring")
        REFERRAL = "referral", _("Referral to inspection")

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    office = models.ForeignKey(
        "org.Unit", verbose_name=_("inspection office"), on_delete=models.PROTECT, related_name="+"
    )
    peer_group = models.CharField(_("peer group"), max_length=80)
    # [{code, count, peer_mean, peer_sd, peers, window_days, flagged}], as computed.
    figures = models.JSONField(_("figures"), default=list)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    due_on = models.DateField(_("due"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("early-intervention review")
        verbose_name_plural = _("early-intervention reviews")
        ordering = ["closed_at", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.officer} ({self.opened_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("inspection:review", args=[self.pk])
