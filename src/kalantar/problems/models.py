"""Problem-solving projects (SARA) and the referrals that ask other agencies to act."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.core.jalali import TEHRAN
from kalantar.core.models import StoredFile
from kalantar.core.scoping import ScopedQuerySet, scope_root
from kalantar.problems import workflow


class AgencyQuerySet(ScopedQuerySet):
    """An agency registered at a command serves every unit below it, so a station sees the
    agencies of its own chain of command as well as those registered below it."""

    scope_path = "unit__path"

    def visible_to(self, user) -> AgencyQuerySet:
        root = scope_root(user)
        if root is None:
            return self.none()
        if root == "":
            return self.all()
        prefixes = _path_prefixes(root)
        return self.filter(Q(unit__path__startswith=root) | Q(unit__path__in=prefixes))


def _path_prefixes(path: str) -> list[str]:
    """ "/IR/HM/HM01/" → ["/IR/", "/IR/HM/", "/IR/HM/HM01/"]."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


class Agency(models.Model):
    """A public body that can solve part of a neighbourhood's problem (نهاد مسئول)."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        LIGHTING = "lighting", _("Street lighting and electricity")
        TRAFFIC = "traffic", _("Traffic and transport")
        ROADS = "roads", _("Roads")
        WELFARE = "welfare", _("Social welfare")
        EDUCATION = "education", _("Education")
        HEALTH = "health", _("Health")
        JUDICIARY = "judiciary", _("Judiciary")
        SECURITY = "security", _("Private security institution")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("registered at"),
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text=_("The command whose units may send referrals to this agency."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="problems_agency_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class AgencyContact(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("position"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("receives referrals"), default=True)

    class Meta:
        verbose_name = _("agency contact")
        verbose_name_plural = _("agency contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


class Problem(models.Model):
    """A SARA project: scanning, analysis, response and assessment of one local problem."""

    class Origin(models.TextChoices):
        ALERT = "alert", _("Surge alert")
        HOTSPOT = workflow.ORIGIN_HOTSPOT, _("Hotspot")
        COMPLAINTS = workflow.ORIGIN_COMPLAINTS, _("Complaints")
        MANUAL = workflow.ORIGIN_MANUAL, _("Opened by hand")

    class Stage(models.TextChoices):
        SCANNING = "scanning", _("Scanning")
        ANALYSIS = "analysis", _("Analysis")
        RESPONSE = "response", _("Response")
        ASSESSMENT = "assessment", _("Assessment")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("owner unit"), on_delete=models.PROTECT, related_name="problems"
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.SCANNING
    )
    origin = models.CharField(_("opened from"), max_length=12, choices=Origin.choices)
    # Scanning
    alert_id = models.PositiveBigIntegerField(_("surge alert"), null=True, blank=True)
    hotspot_cell = models.CharField(_("hotspot cell"), max_length=20, blank=True)
    complaints = models.ManyToManyField(
        "complaints.Complaint", verbose_name=_("complaints"), blank=True, related_name="problems"
    )
    area_cells = models.JSONField(
        _("area (H3 cells)"),
        default=list,
        blank=True,
        help_text=_("Empty: the owner unit's whole jurisdiction."),
    )
    categories = models.JSONField(_("categories"), default=list, blank=True)
    period_start = models.DateField(_("scanning period from"))
    period_end = models.DateField(_("scanning period to"))
    trigger = models.TextField(_("what triggered the project"), blank=True)
    # Analysis: the crime triangle
    offender_notes = models.TextField(_("offenders"), blank=True)
    victim_notes = models.TextField(_("victims and targets"), blank=True)
    place_notes = models.TextField(_("places"), blank=True)
    analysis_summary = models.TextField(_("analysis"), blank=True)
    # Response
    response_start = models.DateField(_("response from"), null=True, blank=True)
    response_end = models.DateField(_("response to"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("problem-solving project")
        verbose_name_plural = _("problem-solving projects")
        ordering = ["-created_at"]
        permissions = [("manage_agencies", _("Can manage the agency registry"))]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.stage != self.Stage.CLOSED


def _attachment_path(instance, filename: str) -> str:
    """The naming of files stored before the shared store (only old migrations use it)."""
    return f"problems/{instance.sha256[:2]}/{instance.sha256[:16]}"


class ProblemAttachment(StoredFile):
    attachment_kind = "problem"

    problem = models.ForeignKey(
        Problem, verbose_name=_("project"), on_delete=models.CASCADE, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("project attachment")
        verbose_name_plural = _("project attachments")


class Action(models.Model):
    """One thing the station itself does in the response: a patrol, a warning, a talk…"""

    class Kind(models.TextChoices):
        PATROL = "patrol", _("Targeted patrols")
        WARNING = "warning", _("Warnings")
        TALK = "talk", _("Prevention talk")
        ENVIRONMENT = "environment", _("Change to the place")
        ENFORCEMENT = "enforcement", _("Enforcement")
        OTHER = "other", _("Other")

    problem = models.ForeignKey(
        Problem, verbose_name=_("project"), on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    starts_on = models.DateField(_("from"))
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return self.description


def new_public_token() -> str:
    """128 random bits, URL-safe: a referral's public page cannot be found by trying."""
    return secrets.token_urlsafe(16)


class ReferralQuerySet(ScopedQuerySet):
    scope_path = "problem__unit__path"

    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=Referral.OPEN_STATUSES)

    def overdue(self) -> ReferralQuerySet:
        return self.filter(status=Referral.Status.OVERDUE)


class Referral(models.Model):
    """A formal request to another agency (مطالبه‌گری), with a deadline and follow-up."""

    class Status(models.TextChoices):
        # The values are the workflow's (problems/workflow.py, pure): one spelling each.
        SENT = workflow.SENT, pgettext_lazy("referral status", "Sent")
        ACKNOWLEDGED = workflow.ACKNOWLEDGED, pgettext_lazy("referral status", "Acknowledged")
        IN_PROGRESS = workflow.IN_PROGRESS, pgettext_lazy("referral status", "In progress")
        DONE = workflow.DONE, pgettext_lazy("referral status", "Done")
        DECLINED = workflow.DECLINED, pgettext_lazy("referral status", "Declined")
        OVERDUE = workflow.OVERDUE, pgettext_lazy("referral status", "Overdue")

    # Waiting for the agency before the deadline; open also counts the overdue ones.
    PENDING_STATUSES = (Status.SENT, Status.ACKNOWLEDGED, Status.IN_PROGRESS)
    OPEN_STATUSES = (*PENDING_STATUSES, Status.OVERDUE)
    FINAL_STATUSES = (Status.DONE, Status.DECLINED)

    class Escalation(models.IntegerChoices):
        NONE = 0, _("Not escalated")
        COUNTY = 1, _("County command")
        PROVINCE = 2, _("Provincial command")

    reference = models.CharField(_("reference number"), max_length=40, unique=True)
    problem = models.ForeignKey(
        Problem, verbose_name=_("project"), on_delete=models.PROTECT, related_name="referrals"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="referrals"
    )
    subject = models.CharField(_("subject"), max_length=200)
    evidence = models.TextField(_("evidence"))
    ask = models.TextField(_("what is asked"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SENT
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    declined_reason = models.TextField(_("reason for declining"), blank=True)
    closed_at = models.DateTimeField(_("closed by the station"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalated to"), choices=Escalation.choices, default=0
    )
    reminded_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_after_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Changing the nonce revokes every answer link given out so far.
    link_nonce = models.CharField(max_length=32, editable=False)
    # The public status page's address: the reference is sequential, so it alone opens
    # nothing; this random token (printed on the letter, sent in the e-mail) does.
    public_token = models.CharField(
        max_length=32, unique=True, editable=False, default=new_public_token
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def deadline_at(self) -> datetime:
        """The end of the deadline day in Tehran."""
        return datetime.combine(self.deadline + timedelta(days=1), time(), tzinfo=TEHRAN)

    @property
    def answered_on_time(self) -> bool | None:
        if self.answered_at is None:
            return None
        return self.answered_at < self.deadline_at

    @property
    def days_to_answer(self) -> float | None:
        if self.answered_at is None:
            return None
        return (self.answered_at - self.sent_at).total_seconds() / 86400


class ReferralEvent(models.Model):
    class Kind(models.TextChoices):
        SENT = "sent", _("Sent")
        REMINDER = "reminder", _("Reminder sent")
        ANSWER = "answer", _("Answer from the agency")
        OVERDUE = "overdue", _("Deadline passed")
        ESCALATED = "escalated", _("Escalated")
        CLOSED = "closed", _("Closed by the station")

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=12, choices=Referral.Status.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    responder = models.CharField(_("answered by"), max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.kind}"


def _evidence_path(instance, filename: str) -> str:
    """The naming of files stored before the shared store (only old migrations use it)."""
    return f"referrals/{instance.sha256[:2]}/{instance.sha256[:16]}"


class ReferralAttachment(StoredFile):
    """Evidence attached by the agency to its answer (a photo of the new street light…)."""

    attachment_kind = "referral"

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="attachments"
    )
    event = models.ForeignKey(
        ReferralEvent, null=True, on_delete=models.SET_NULL, related_name="attachments"
    )

    class Meta:
        verbose_name = _("referral evidence")
        verbose_name_plural = _("referral evidence")


class Assessment(models.Model):
    """Before/after counts computed from incidents when the response period has ended."""

    problem = models.ForeignKey(
        Problem, verbose_name=_("project"), on_delete=models.CASCADE, related_name="assessments"
    )
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)
    before_start = models.DateField(_("before: from"))
    before_end = models.DateField(_("before: to"))
    after_start = models.DateField(_("after: from"))
    after_end = models.DateField(_("after: to"))
    area_before = models.PositiveIntegerField(_("area before"))
    area_after = models.PositiveIntegerField(_("area after"))
    area_z = models.FloatField(_("area z-score"))
    ring_before = models.PositiveIntegerField(_("buffer before"))
    ring_after = models.PositiveIntegerField(_("buffer after"))
    ring_z = models.FloatField(_("buffer z-score"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.computed_at:%Y-%m-%d}"
