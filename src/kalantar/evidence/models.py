"""Cameras, who wore them, the originals they recorded and the evidence items made of them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kalantar.complaints.models import Complaint
from kalantar.core.models import HashedSecret, HashedSecretQuerySet
from kalantar.core.scoping import ScopedQuerySet, scope_root
from kalantar.org.models import Unit


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
        _("category"), max_length=16, choices=Category.choices, default=Category.UNCATEGORISED
    )
    station = models.ForeignKey(
        "org.Unit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
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
