"""Cameras, who wore them, the originals they recorded and the evidence items made of them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.complaints.models import Complaint
from kalantar.core.models import HashedSecret, HashedSecretQuerySet
from kalantar.core.scoping import ScopedQuerySet, scope_root
from kalantar.org.models import Unit
from kalantar.org.provinces import province_field


class CameraQuerySet(ScopedQuerySet):
    scope_path = "station__path"


class Camera(models.Model):
    """A body-worn camera (دوربین البسه), a car's camera or another recorder of a station."""

    class Kind(models.TextChoices):
        BODY = "body", _("Body-worn camera")
        CAR = "car", _("Car camera")
        OTHER = "other", _("Other recorder")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("In the dock")
        CHECKED_OUT = "checked_out", _("Checked out")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")

    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.BODY)
    station = models.ForeignKey(
        "org.Unit", verbose_name=_("home station"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.AVAILABLE
    )

    objects = CameraQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["station", "serial"]

    def __str__(self) -> str:
        return self.serial


class AssignmentQuerySet(ScopedQuerySet):
    scope_path = "camera__station__path"

    def open(self) -> AssignmentQuerySet:
        return self.filter(checked_in_at__isnull=True)


class Assignment(models.Model):
    """A camera in someone's hands: an officer's for a shift, or a patrol unit's car."""

    camera = models.ForeignKey(
        Camera, verbose_name=_("camera"), on_delete=models.PROTECT, related_name="assignments"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    patrol = models.ForeignKey(
        "incidents.PatrolUnit",
        verbose_name=_("patrol unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A body camera's officer on the crew of a patrol unit on duty at check-out: the camera
    # rides with that unit, and its footage links to the unit's dispatches.
    rides_with = models.ForeignKey(
        "incidents.PatrolUnit",
        verbose_name=_("rides with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_out_at = models.DateTimeField(_("checked out"), default=timezone.now)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The device's clock minus the dock's, read at check-in: recorded times are corrected by it.
    clock_offset_seconds = models.FloatField(_("clock offset (seconds)"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("camera assignment")
        verbose_name_plural = _("camera assignments")
        ordering = ["-checked_out_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(officer__isnull=False, patrol__isnull=True)
                | Q(officer__isnull=True, patrol__isnull=False),
                name="evidence_assignment_one_holder",
            ),
            models.UniqueConstraint(
                fields=["camera"],
                condition=Q(checked_in_at__isnull=True),
                name="evidence_one_open_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.camera_id}: {self.officer_id or self.patrol_id}"

    @property
    def holder(self):
        return self.officer or self.patrol


class Original(models.Model):
    """Bytes as they arrived, kept once whatever the number of uploads (content-addressed,
    write-once). Not a core StoredFile: those are small files read into memory under random
    names; an original may be gigabytes, is streamed, and is named by its hash."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.BigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("type"), max_length=100)
    stored_at = models.DateTimeField(_("stored"), default=timezone.now)

    class Meta:
        verbose_name = _("original file")
        verbose_name_plural = _("original files")

    def __str__(self) -> str:
        return self.sha256


class ItemQuerySet(ScopedQuerySet):
    scope_path = "station__path"

    def visible_to(self, user) -> ItemQuerySet:
        """Who sees which recording: everyone their own (as its wearer); staff with the
        station permission every item of their units; and whoever may read a conduct
        complaint (the province's inspection office) the items linked to it."""
        root = scope_root(user)
        if root is None or root == "":
            return super().visible_to(user)
        seen = Q(recorded_by=user)
        if user.has_perm("evidence.view_station_evidence"):
            seen |= Q(station__path__startswith=root)
        conduct = Complaint.objects.visible_to(user).filter(unit__kind=Unit.Kind.INSPECTION)
        linked = ComplaintLink.objects.filter(item=OuterRef("pk"), complaint__in=conduct)
        return self.filter(seen | Q(Exists(linked)))


class EvidenceItem(models.Model):
    """A recording (or photo, or document) kept as evidence, with who recorded it."""

    class Category(models.TextChoices):
        UNCATEGORISED = "uncategorised", _("Not yet categorised")
        NO_VALUE = "no_value", _("No evidential value")
        TRAFFIC_STOP = "traffic_stop", _("Traffic stop")
        INCIDENT = "incident", _("Incident")
        COMPLAINT = "complaint", _("Complaint about conduct")
        SERIOUS_CRIME = "serious_crime", _("Serious crime")

    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(
        pgettext_lazy("evidence", "category"),
        max_length=16,
        choices=Category.choices,
        default=Category.UNCATEGORISED,
    )
    station = models.ForeignKey(
        "org.Unit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    province = province_field()  # the station's
    original = models.ForeignKey(
        Original, verbose_name=_("original file"), on_delete=models.PROTECT, related_name="items"
    )
    original_name = models.CharField(_("file name"), max_length=200)
    device = models.ForeignKey(
        Camera,
        verbose_name=_("device"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_from = models.DateTimeField(_("recorded from"), null=True, blank=True)
    recorded_until = models.DateTimeField(_("recorded until"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence item")
        verbose_name_plural = _("evidence items")
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["original", "station"], name="evidence_item_once_per_station"
            )
        ]
        permissions = [("view_station_evidence", _("Can see every recording of the station"))]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evidence:item", args=[self.pk])


class UploadQuerySet(ScopedQuerySet):
    scope_path = "station__path"


class Upload(models.Model):
    """A resumable upload (tus) on its way: the bytes wait in a partial file until complete."""

    class Status(models.TextChoices):
        RECEIVING = "receiving", _("Receiving")
        COMPLETE = "complete", _("Complete")
        REFUSED = "refused", _("Refused")
        TERMINATED = "terminated", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    device = models.ForeignKey(
        Camera, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(max_length=200)
    length = models.BigIntegerField()
    offset = models.BigIntegerField(default=0)
    # The client's checksum of the whole file (`<algorithm> <base64>`), checked at the end.
    checksum = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVING)
    item = models.ForeignKey(
        EvidenceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = UploadQuerySet.as_manager()

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return self.filename


# --- Fixity: each original re-hashed on a schedule, a failure quarantines its items -------------


class FixityCheck(models.Model):
    """When an original's bytes were last read back and found to be the ones it was kept as."""

    original = models.OneToOneField(
        Original, verbose_name=_("original file"), on_delete=models.PROTECT, related_name="fixity"
    )
    checked_at = models.DateTimeField(_("last checked"))
    intact = models.BooleanField(_("intact"))

    class Meta:
        verbose_name = _("fixity check")
        verbose_name_plural = _("fixity checks")

    def __str__(self) -> str:
        return f"{self.original_id}: {self.checked_at}"


class QuarantineQuerySet(ScopedQuerySet):
    # The alert belongs to the province's inspection office: its inspectors see it.
    scope_path = "office__path"

    def open(self) -> QuarantineQuerySet:
        return self.filter(lifted_at__isnull=True)


class Quarantine(models.Model):
    """An item whose original failed its fixity check: it may not be exported until an
    inspector has looked. An open row is the item's quarantined status and the alert."""

    class Reason(models.TextChoices):
        MISMATCH = "mismatch", _("The stored bytes no longer match their hash")
        MISSING = "missing", _("The stored file is missing")

    item = models.ForeignKey(
        EvidenceItem,
        verbose_name=_("evidence item"),
        on_delete=models.PROTECT,
        related_name="quarantines",
    )
    office = models.ForeignKey(
        "org.Unit",
        verbose_name=_("inspection office"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    found_sha256 = models.CharField(_("SHA-256 found"), max_length=64, blank=True)
    found_size = models.BigIntegerField(_("size found"), null=True, blank=True)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    objects = QuarantineQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarantine")
        verbose_name_plural = _("quarantines")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(lifted_at__isnull=True),
                name="evidence_one_open_quarantine",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.reason}"


# --- Retention: how long an item is kept, holds that stop the clock, deletions queued ----------


class RetentionPeriod(models.Model):
    """How long items of a category are kept after upload; blank days: indefinitely. A
    category without a row is kept indefinitely (nothing is deleted by omission)."""

    category = models.CharField(
        _("category"), max_length=16, choices=EvidenceItem.Category.choices, unique=True
    )
    days = models.PositiveIntegerField(_("days kept"), null=True, blank=True)

    class Meta:
        verbose_name = _("retention period")
        verbose_name_plural = _("retention periods")
        ordering = ["category"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.days if self.days is not None else '∞'}"


class LegalHoldQuerySet(ScopedQuerySet):
    scope_path = "item__station__path"

    def open(self) -> LegalHoldQuerySet:
        return self.filter(lifted_at__isnull=True)


class LegalHold(models.Model):
    """While a hold is open, the item's retention clock stands still."""

    item = models.ForeignKey(
        EvidenceItem,
        verbose_name=_("evidence item"),
        on_delete=models.PROTECT,
        related_name="holds",
    )
    reason = models.CharField(_("reason"), max_length=300)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lift_reason = models.CharField(_("why it was lifted"), max_length=300, blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.reason}"


class DeletionQuerySet(ScopedQuerySet):
    scope_path = "item__station__path"

    def pending(self) -> DeletionQuerySet:
        return self.filter(undone_at__isnull=True, done_at__isnull=True)

    def done(self) -> DeletionQuerySet:
        return self.filter(done_at__isnull=False)


class Deletion(models.Model):
    """An expired item queued for deletion; once done, its tombstone (what was deleted,
    who approved it and why). It can be undone until it is carried out."""

    item = models.ForeignKey(
        EvidenceItem,
        verbose_name=_("evidence item"),
        on_delete=models.PROTECT,
        related_name="deletions",
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size (bytes)"))
    category = models.CharField(_("category"), max_length=16)
    reason = models.CharField(_("reason"), max_length=300)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_reason = models.CharField(_("why"), max_length=300, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    done_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    objects = DeletionQuerySet.as_manager()

    class Meta:
        verbose_name = _("deletion")
        verbose_name_plural = _("deletions")
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.due_at}"


class DeletionNoticeQuerySet(ScopedQuerySet):
    scope_path = "station__path"


class DeletionNotice(models.Model):
    """The weekly word to a station's chief of what will be deleted in the coming week: a
    row of the station's, shown on the chief's home page and retention page, as the
    product's other alerts are (surges, fixity quarantines)."""

    station = models.ForeignKey(
        "org.Unit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(_("made"), default=timezone.now)
    until = models.DateTimeField(_("deletions due until"))
    count = models.PositiveIntegerField(_("items"))
    size = models.BigIntegerField(_("size (bytes)"))
    unapproved = models.PositiveIntegerField(_("awaiting the chief's approval"))
    # What the notice named, as it stood: [{"deletion", "item", "title", "due", "approved"}].
    entries = models.JSONField(_("items to be deleted"), default=list)

    objects = DeletionNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("weekly deletion notice")
        verbose_name_plural = _("weekly deletion notices")
        ordering = ["-made_at"]

    def __str__(self) -> str:
        return f"{self.station_id}: {self.count} until {self.until:%Y-%m-%d}"


class MediaFacts(models.Model):
    """What the recording's own bytes say (evidence.media), with the clock correction used.
    A file the media library could not read keeps its item and waits for a person's look."""

    item = models.OneToOneField(
        EvidenceItem,
        verbose_name=_("evidence item"),
        on_delete=models.CASCADE,
        related_name="media",
    )
    readable = models.BooleanField(_("readable as media"), default=True)
    needs_review = models.BooleanField(_("needs review"), default=False)
    problem = models.CharField(_("why it could not be read"), max_length=300, blank=True)
    duration_seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    codec = models.CharField(_("codec"), max_length=40, blank=True)
    container = models.CharField(_("container"), max_length=40, blank=True)
    device_started_at = models.DateTimeField(
        _("start on the device's clock"), null=True, blank=True
    )
    clock_offset_seconds = models.FloatField(
        _("clock offset applied (seconds)"), null=True, blank=True
    )
    gps_track = models.JSONField(_("GPS track"), default=list, blank=True)

    class Meta:
        verbose_name = _("media facts")
        verbose_name_plural = _("media facts")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.codec or '?'}"


class IncidentLink(models.Model):
    """An item's link to an incident: made by the linker when one incident matched, or
    suggested when several did and then confirmed or dismissed by the station chief."""

    class Status(models.TextChoices):
        LINKED = "linked", _("Linked")
        SUGGESTED = "suggested", _("Suggested")
        DISMISSED = "dismissed", _("Dismissed")

    item = models.ForeignKey(
        EvidenceItem,
        verbose_name=_("evidence item"),
        on_delete=models.CASCADE,
        related_name="incident_links",
    )
    incident = models.ForeignKey(
        "incidents.Incident", verbose_name=_("incident"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    automatic = models.BooleanField(_("by the linker"), default=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("incident link")
        verbose_name_plural = _("incident links")
        ordering = ["status", "incident"]
        constraints = [
            models.UniqueConstraint(fields=["item", "incident"], name="evidence_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.incident_id} ({self.status})"


class ComplaintLink(models.Model):
    """An item linked to a complaint: footage of the act a citizen complains about."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="complaint_links")
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    linked_at = models.DateTimeField(_("linked"), default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("link to a complaint")
        verbose_name_plural = _("links to complaints")
        constraints = [
            models.UniqueConstraint(fields=["item", "complaint"], name="evidence_complaint_once")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.complaint_id}"


class ShareQuerySet(HashedSecretQuerySet, ScopedQuerySet):
    scope_path = "item__station__path"

    def usable(self) -> ShareQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class Share(HashedSecret):
    """A link that lets a prosecutor or a court watch or download one item, without an
    account: revocable, expiring, every opening a custody event, its receipt acknowledged."""

    SECRET_PREFIX = "evs_"

    class Mode(models.TextChoices):
        STREAM = "stream", _("Watch only (streaming)")
        DOWNLOAD = "download", _("Download")

    item = models.ForeignKey(
        EvidenceItem, verbose_name=_("evidence item"), on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.CharField(_("recipient"), max_length=200)
    mode = models.CharField(_("access"), max_length=8, choices=Mode.choices)
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("receipt acknowledged"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=200, blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta(HashedSecret.Meta):
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.recipient})"


class Derivation(models.Model):
    """A redacted copy's descent: the item it was made from and the plan it was made by.
    The copy is an item of its own (its own bytes and hash, in the same write-once store);
    the parent is never changed by it."""

    item = models.OneToOneField(
        EvidenceItem,
        verbose_name=_("redacted copy"),
        on_delete=models.PROTECT,
        related_name="derivation",
    )
    parent = models.ForeignKey(
        EvidenceItem,
        verbose_name=_("made from"),
        on_delete=models.PROTECT,
        related_name="derivatives",
    )
    parent_sha256 = models.CharField(_("SHA-256 of the item it was made from"), max_length=64)
    plan = models.JSONField(_("redaction plan"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    made_at = models.DateTimeField(_("made"), default=timezone.now)

    class Meta:
        verbose_name = _("redacted copy")
        verbose_name_plural = _("redacted copies")
        ordering = ["made_at"]

    def __str__(self) -> str:
        return f"{self.item_id} ← {self.parent_id}"
