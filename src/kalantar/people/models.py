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
        return sorted(g.name for g in self.groups.all())

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
