from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kalantar.core.models import HashedSecret, HashedSecretQuerySet
from kalantar.core.scoping import ScopedQuerySet
from kalantar.people.roles import role_label


class UserQuerySet(ScopedQuerySet):
    scope_path = "unit__path"


class KalantarUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who logs in; belongs to one unit and sees that unit and those below it."""

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )

    # When the account was last enabled again after being disabled: dormancy counts from
    # the latest of this, the last log-in and the last use of an API token.
    enabled_at = models.DateTimeField(_("enabled again"), null=True, blank=True, editable=False)

    objects = KalantarUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [("manage_tokens", _("Can create API tokens"))]

    def role_codes(self) -> list[str]:
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("groups")
        if prefetched is not None or self.pk is None:
            return sorted(g.name for g in (prefetched if prefetched is not None else []))
        # Not at the top: people.access needs django.contrib.auth.backends, which can be
        # imported only once this model is.
        from kalantar.people.access import access_of  # noqa: PLC0415

        return list(access_of(self).roles)

    def role_labels(self) -> list[str]:
        """The user's roles by their names in the active language (the shell shows these)."""
        return [role_label(code) for code in self.role_codes()]


class ApiTokenQuerySet(HashedSecretQuerySet, ScopedQuerySet):
    scope_path = "user__unit__path"

    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(HashedSecret):
    """A bearer token for an integration, of one user; revoked or expired, it opens nothing."""

    SECRET_PREFIX = "klt_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta(HashedSecret.Meta):
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class CommendationQuerySet(ScopedQuerySet):
    scope_path = "officer__unit__path"


class Commendation(models.Model):
    """A recorded word of thanks for an officer: from the 197 line, a citizen or a chief.

    Part of the officer's record; the app where the thanks arrived calls
    `people.services.record_commendation`, which audits it.
    """

    class Source(models.TextChoices):
        FEEDBACK_197 = "197", _("The 197 line")
        CITIZEN = "citizen", _("A citizen")
        COMMANDER = "commander", _("A commander")

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    note = models.TextField(_("note"), blank=True)
    # The record it came from, as the source shows it (a 197 message number, a tracking code).
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    awarded_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-awarded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.officer}"


# --- Officers' records: rank, postings, training ----------------------------------------------


class OfficerProfileQuerySet(ScopedQuerySet):
    scope_path = "officer__unit__path"


class OfficerProfile(models.Model):
    """What the force knows of an officer beyond the account: personnel number and rank."""

    class Rank(models.TextChoices):
        CONSCRIPT = "conscript", _("Conscript")
        SERGEANT = "sergeant", _("Sergeant")
        WARRANT = "warrant", _("Warrant officer")
        LIEUTENANT_3 = "lt3", _("Third lieutenant")
        LIEUTENANT_2 = "lt2", _("Second lieutenant")
        LIEUTENANT_1 = "lt1", _("First lieutenant")
        CAPTAIN = "captain", _("Captain")
        MAJOR = "major", _("Major")
        LT_COLONEL = "ltcolonel", _("Lieutenant colonel")
        COLONEL = "colonel", _("Colonel")
        GENERAL = "general", _("Brigadier general")

    officer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="officer_profile",
    )
    personnel_number = models.CharField(_("personnel number"), max_length=20, unique=True)
    rank = models.CharField(_("rank"), max_length=12, choices=Rank.choices)

    objects = OfficerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("officer's record")
        verbose_name_plural = _("officers' records")
        permissions = [
            ("view_province_officers", _("Can read the records of the province's officers"))
        ]

    def __str__(self) -> str:
        return f"{self.personnel_number} {self.officer}"


class PostingQuerySet(ScopedQuerySet):
    scope_path = "officer__unit__path"


class Posting(models.Model):
    """A period an officer served in a unit; the open one (no end) is the current posting."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="postings",
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    duty = models.CharField(_("duty"), max_length=100, blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["-started_on", "-id"]

    def __str__(self) -> str:
        return f"{self.officer} @ {self.unit}"


class Course(models.Model):
    """A training course; a certificate of it stays valid `valid_months` (0: for good)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    valid_months = models.PositiveSmallIntegerField(_("valid for (months)"), default=0)

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CertificateQuerySet(ScopedQuerySet):
    scope_path = "officer__unit__path"


class Certificate(models.Model):
    """An officer passed a course on a day; valid until `expires_on` (none: for good)."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="certificates"
    )
    completed_on = models.DateField(_("completed"))
    expires_on = models.DateField(_("expires"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-completed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.course}: {self.officer}"

    def valid_on(self, day) -> bool:
        return self.completed_on <= day and (self.expires_on is None or self.expires_on >= day)


class TrainingRequirementQuerySet(ScopedQuerySet):
    scope_path = "unit__path"


class TrainingRequirement(models.Model):
    """The unit's training plan, one line: officers of `role` here hold `course` by `due_on`."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=40)
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due"))

    objects = TrainingRequirementQuerySet.as_manager()

    class Meta:
        verbose_name = _("training plan line")
        verbose_name_plural = _("training plan")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "role", "course"], name="people_requirement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.course} ({role_label(self.role)})"
