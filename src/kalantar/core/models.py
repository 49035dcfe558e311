from __future__ import annotations

import uuid
from datetime import timedelta
from typing import ClassVar, Self

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.core import secrets as hashed_secrets
from kalantar.core.scoping import scope_root


class AppendOnlyError(RuntimeError):
    """Raised on any attempt to change or remove an audit entry through the ORM."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One link of the hash-chained, append-only audit log.

    `seq` is assigned under a lock as the previous entry's seq + 1, so a gap means a
    removed entry (database sequences leave gaps on rollback; ours cannot).
    """

    class Outcome(models.TextChoices):
        OK = "ok", _("Succeeded")
        DENIED = "denied", _("Denied")
        FAILED = "failed", _("Failed")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(_("actor's username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)
    # The province (its org unit's id) of the record the entry is about, when that record
    # carries one: the partition key of a national deployment. A plain id, as core knows no
    # domain; outside the MAC (kalantar.core.audit). Entries written before it stay central.
    province_id = models.BigIntegerField(_("province"), null=True, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")


def attachment_storage() -> Storage:
    """The configured attachment store (settings.STORAGES["attachments"]); a callable, so
    migrations name no backend and S3 is a configuration change."""
    return storages["attachments"]


def stored_file_path(instance: StoredFile, filename: str) -> str:
    """A random name per file, grouped by app: nothing in it can be guessed from the record,
    and no URL maps to it (files are opened through `core.files.open_stored_file`)."""
    token = uuid.uuid4().hex
    return f"{instance._meta.app_label}/{token[:2]}/{token}"


class StoredFile(models.Model):
    """A file someone attached to a record of some app (complaint, project, referral…).

    Each app's attachment model extends this one with the record it belongs to, names its
    `attachment_kind` and registers, through `core.extensions.add_attachment_kind`, the
    selector that finds one for a user who may see its record. Files are stored and opened
    only through `core.files`."""

    attachment_kind: ClassVar[str] = ""

    file = models.FileField(
        _("file"), storage=attachment_storage, upload_to=stored_file_path, max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("core:attachment", args=[self.attachment_kind, self.pk])


class HashedSecretQuerySet(models.QuerySet):
    def usable(self) -> Self:
        """The secrets that still open something; each kind says what revokes it."""
        return self

    def matching(self, raw: str | None) -> HashedSecret | None:
        """The usable secret whose raw form is `raw`, or None."""
        if not hashed_secrets.is_of_kind(raw, self.model.SECRET_PREFIX):
            return None
        return self.usable().filter(digest=hashed_secrets.digest(raw)).first()


class HashedSecret(models.Model):
    """A secret shown to its holder once and stored only as its SHA-256 digest: API tokens,
    Open311 keys. Each kind names its `SECRET_PREFIX`, its name and how it is revoked (its
    queryset's `usable`); issuing and revoking are its app's audited services.

    Rows are revoked, never deleted, so audit entries that name one keep making sense."""

    SECRET_PREFIX: ClassVar[str] = ""
    # Writing last_used_at on every use would turn each call into a write.
    LAST_USED_RESOLUTION: ClassVar[timedelta] = timedelta(minutes=5)

    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = HashedSecretQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def draw_secret(self) -> str:
        """Give this (unsaved) row a new secret; returns the raw secret, to show once."""
        drawn = hashed_secrets.draw(self.SECRET_PREFIX)
        self.prefix, self.digest = drawn.shown, drawn.digest
        return drawn.raw

    def note_use(self) -> None:
        """Record that the secret was just used (at most once per LAST_USED_RESOLUTION)."""
        now = timezone.now()
        if hashed_secrets.use_is_news(self.last_used_at, now, self.LAST_USED_RESOLUTION):
            type(self)._default_manager.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class Sequence(models.Model):
    """The last number given out of one numbering (`name`) in one period (e.g. a Jalali year).

    Reference numbers (incidents, problem-solving projects, referrals) come from here through
    `kalantar.core.sequences.take`, never from counting rows.
    """

    name = models.CharField(_("name"), max_length=64)
    period = models.CharField(_("period"), max_length=16, blank=True)
    last = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(fields=["name", "period"], name="core_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period}: {self.last}"


class Task(models.Model):
    """One piece of background work (`kalantar.core.tasks`): queued in the caller's
    transaction, claimed by a worker under a lease it renews while it runs, retried with
    backoff, kept with its error when it failed for good.

    `key` makes enqueueing idempotent: a periodic job's run for one period is the row keyed
    by the job and the period's start, so however many schedulers run, one row exists.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("task status", "Queued")
        RUNNING = "running", pgettext_lazy("task status", "Running")
        SUCCEEDED = "succeeded", pgettext_lazy("task status", "Succeeded")
        FAILED = "failed", pgettext_lazy("task status", "Failed")

    name = models.CharField(_("task"), max_length=100)
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    key = models.CharField(_("key"), max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("most attempts"), default=5)
    run_after = models.DateTimeField(_("not before"), default=timezone.now)
    # A new token per claim: a worker whose lease was taken over writes nothing any more.
    lease_token = models.CharField(max_length=32, blank=True)
    lease_until = models.DateTimeField(_("lease ends"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        ordering = ["-created_at", "-pk"]
        permissions = [("retry_task", _("Can queue a failed background task again"))]
        indexes = [
            models.Index(fields=["status", "run_after"], name="core_task_due"),
            models.Index(fields=["status", "lease_until"], name="core_task_lease"),
            models.Index(fields=["-created_at", "-id"], name="core_task_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk} ({self.status})"


class JobFile(StoredFile):
    """A file of a page-started job (`kalantar.core.jobs`): the upload an import reads, or
    the export it made. Kept in the attachment store; opened through the job's page, which
    applies the job's scoping."""

    attachment_kind: ClassVar[str] = "job"

    class Meta:
        verbose_name = _("job file")
        verbose_name_plural = _("job files")


class JobQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        """Jobs of the units the user sees (`unit_path` is the path of the unit the job's
        records belong to: core knows no org model)."""
        root = scope_root(user)
        if root is None:
            return self.none()
        return self.filter(unit_path__startswith=root) if root else self.all()


class Job(models.Model):
    """One piece of work a person started from a page (an import, an export, a redacted
    copy): what they see while it is prepared and afterwards. The work itself runs as the
    background task `core.job`; the job holds its state, its files and its outcome."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("job status", "Being prepared")
        RUNNING = "running", pgettext_lazy("job status", "Being prepared")
        DONE = "done", pgettext_lazy("job status", "Ready")
        FAILED = "failed", pgettext_lazy("job status", "Failed")

    kind = models.CharField(_("kind"), max_length=60)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit_path = models.CharField(_("unit path"), max_length=255, db_index=True)
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.CharField(_("progress"), max_length=200, blank=True)
    summary = models.JSONField(_("summary"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_total = models.PositiveIntegerField(_("errors in all"), default=0)
    link = models.CharField(_("link"), max_length=300, blank=True)
    upload = models.ForeignKey(
        JobFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    output = models.ForeignKey(
        JobFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("core:job", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
