from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.complaints import workflow
from kalantar.complaints.codes import new_open311_id
from kalantar.complaints.identity import PseudonymisedIterable, pseudonym_label, pseudonym_number
from kalantar.core.models import HashedSecret, HashedSecretQuerySet, StoredFile
from kalantar.core.scoping import ScopedQuerySet, scope_root
from kalantar.org.models import Unit


class Category(models.Model):
    """A kind of complaint, with its deadlines and where it is handled."""

    class Route(models.TextChoices):
        STATION = "station", _("The station of the place")
        INSPECTION = "inspection", _("The province's inspection office")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    route = models.CharField(
        _("handled by"), max_length=12, choices=Route.choices, default=Route.STATION
    )
    anonymous_allowed = models.BooleanField(
        _("may be filed anonymously"),
        default=False,
        help_text=_("For reports of public problems that need no complainant."),
    )
    refer_to_agency = models.BooleanField(
        _("referred to another agency"),
        default=False,
        help_text=_("A problem another public body must solve; the station follows it up."),
    )
    publishable = models.BooleanField(
        _("published in the public Open311 list"),
        default=False,
        help_text=_(
            "Only for problems in public space (noise, hazards). Complaints about people are "
            "never published."
        ),
    )
    first_action_hours = models.PositiveIntegerField(_("first action within (hours)"), default=24)
    closure_days = models.PositiveIntegerField(_("closure within (days)"), default=30)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class ComplaintQuerySet(ScopedQuerySet):
    scope_path = "unit__path"

    # Up to this many units, scope by `unit_id IN (…)`; above it, by the units' path.
    UNIT_LIST_LIMIT = 8

    def visible_to(self, user) -> ComplaintQuerySet:
        """The scope of ScopedQuerySet, in the form the database answers fastest.

        A station's staff see one unit or a few: `unit_id IN (…)` lets the (unit, filed)
        index serve their pages. A commander sees dozens of units holding nearly every
        row: the path condition lets the database walk the newest complaints first and
        stop after a page, where a unit list made it sort them all.
        """
        root = scope_root(user)
        if root is None or root == "":
            return super().visible_to(user)

        units = list(
            Unit.objects.filter(path__startswith=root).values_list("pk", flat=True)[
                : self.UNIT_LIST_LIMIT + 1
            ]
        )
        if len(units) > self.UNIT_LIST_LIMIT:
            return super().visible_to(user)
        return self.filter(unit_id__in=units)

    def open(self) -> ComplaintQuerySet:
        return self.filter(status__in=workflow.OPEN_STATUSES)

    def pseudonymised(self) -> ComplaintQuerySet:
        """Rows without the complainant's identity, each with its pseudonym (identity.py)."""
        clone = self._chain()
        clone._iterable_class = PseudonymisedIterable
        return clone

    def overdue(self, now=None) -> ComplaintQuerySet:
        now = now or timezone.now()
        first = models.Q(status__in=workflow.AWAITING_FIRST_ACTION, first_action_due__lt=now)
        closing = models.Q(status__in=workflow.OPEN_STATUSES, closure_due__lt=now)
        return self.filter(first | closing)


class Complaint(models.Model):
    """A citizen's complaint or report (شکایت), from filing to closing."""

    class Channel(models.TextChoices):
        DESK = "desk", _("At the station desk")
        ONLINE = "online", _("Online")
        PHONE_110 = "phone110", _("Emergency line 110")
        LINE_197 = "line197", _("Feedback line 197")
        OPEN311 = "open311", _("Open311 application")

    tracking_code = models.CharField(_("tracking code"), max_length=10, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    routed_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("station of the place"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The station whose jurisdiction contains the location."),
    )
    override_reason = models.CharField(
        _("reason for choosing another station"), max_length=300, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=workflow.STATUS_CHOICES, default=workflow.REGISTERED
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("complainant's name"), max_length=150, blank=True)
    national_code = models.CharField(_("national code"), max_length=10, blank=True, db_index=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    complainant_address = models.CharField(_("complainant's address"), max_length=300, blank=True)
    incident_at = models.DateTimeField(_("time of the incident"))
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    location_text = models.CharField(_("place of the incident"), max_length=300, blank=True)
    summary = models.CharField(_("summary"), max_length=200)
    narrative = models.TextField(_("narrative"))
    search_text = models.TextField(editable=False, blank=True)
    accused_officer = models.CharField(_("officer complained about"), max_length=150, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_complaints",
    )
    filed_at = models.DateTimeField(_("filed"), db_index=True)
    first_action_due = models.DateTimeField(_("first action due"))
    closure_due = models.DateTimeField(_("closure due"))
    first_action_at = models.DateTimeField(_("first action"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)
    satisfaction_comment = models.CharField(_("citizen's comment"), max_length=500, blank=True)
    # Open311 quotes this id, never the tracking code (the citizen's key to the status page).
    open311_id = models.CharField(
        _("Open311 id"), max_length=20, unique=True, default=new_open311_id, editable=False
    )
    open311_key = models.ForeignKey(
        "complaints.Open311Key",
        verbose_name=_("filed through Open311 key"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at"]
        permissions = [
            ("assign_complaint", _("Can assign complaints to officers")),
            (
                "view_complainant_identity",
                _("Can see complainants' name, national code, mobile and address"),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "-filed_at"]),
            # A station's pages newest first, and the dashboard's durations without
            # reading the complaints' rows (covering on both databases).
            models.Index(
                fields=[
                    "unit",
                    "filed_at",
                    "first_action_at",
                    "finished_at",
                    "closed_at",
                    "satisfaction",
                ],
                name="complaint_unit_timings",
            ),
            models.Index(fields=["status", "unit"], name="complaint_status_unit"),
            # A station's queue filtered by category, or by what is overdue.
            models.Index(fields=["unit", "category", "filed_at"], name="complaint_unit_category"),
            models.Index(
                fields=["unit", "status", "first_action_due"], name="complaint_unit_first_due"
            ),
            models.Index(
                fields=["unit", "status", "closure_due"], name="complaint_unit_closure_due"
            ),
            models.Index(fields=["status", "first_action_due"]),
            models.Index(fields=["status", "closure_due"]),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def save(self, *args, **kwargs) -> None:
        if getattr(self, "identity_hidden", False):
            # Its identity fields were blanked for a reader: saving would erase them.
            raise ValueError("A pseudonymised complaint cannot be saved.")
        super().save(*args, **kwargs)

    @property
    def complainant_pseudonym_id(self) -> str:
        """The complainant's stable number, the same on every complaint they file."""
        if getattr(self, "identity_hidden", False):
            return self.complainant_pseudonym_number
        return pseudonym_number(self.national_code)

    @property
    def complainant_pseudonym(self) -> str:
        """The pseudonym shown instead of the identity, in the page's language."""
        return pseudonym_label(self.complainant_pseudonym_id)

    @property
    def is_open(self) -> bool:
        return self.status in workflow.OPEN_STATUSES

    @property
    def awaits_first_action(self) -> bool:
        """Still waiting for the station's first step: its first deadline is the one due."""
        return self.status in workflow.AWAITING_FIRST_ACTION

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status in workflow.AWAITING_FIRST_ACTION and self.first_action_due < now:
            return True
        return self.is_open and self.closure_due < now


class ComplaintEvent(models.Model):
    """One line of a complaint's timeline: a status change, an assignment, an escalation…"""

    class Kind(models.TextChoices):
        FILED = "filed", _("Filed")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        ESCALATED = "escalated", _("Escalated")
        NOTE = "note", _("Note")
        RATED = "rated", _("Rated by the citizen")

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(
        pgettext_lazy("status change", "from"),
        max_length=20,
        blank=True,
        choices=workflow.STATUS_CHOICES,
    )
    to_status = models.CharField(
        pgettext_lazy("status change", "to"),
        max_length=20,
        blank=True,
        choices=workflow.STATUS_CHOICES,
    )
    note = models.TextField(_("note"), blank=True)
    public = models.BooleanField(_("shown to the citizen"), default=False)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """The naming of files stored before the shared store (only old migrations use it)."""
    return f"complaints/{instance.complaint.tracking_code}/{instance.sha256[:16]}"


class Attachment(StoredFile):
    attachment_kind = "complaint"

    complaint = models.ForeignKey(
        Complaint,
        verbose_name=_("complaint"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Open311KeyQuerySet(HashedSecretQuerySet):
    def usable(self) -> Open311KeyQuerySet:
        return self.filter(is_active=True)


class Open311Key(HashedSecret):
    """An API key for an Open311 client application; revoked, it can be restored."""

    SECRET_PREFIX = "o311_"

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = Open311KeyQuerySet.as_manager()

    class Meta(HashedSecret.Meta):
        verbose_name = _("Open311 key")
        verbose_name_plural = _("Open311 keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
