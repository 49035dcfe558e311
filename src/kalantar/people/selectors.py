"""Reads about people that are more than a `.get()`."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalantar.people.models import ApiToken, User
from kalantar.people.second_factor import requires_second_factor


def needs_second_factor(user) -> bool:
    """Whether `user` must give a second factor after the password (TWO_FACTOR_ROLES, or
    access to the admin site). Kept on the user object: asked more than once per request."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_needs_second_factor", None)
    if cached is None:
        cached = requires_second_factor(
            roles=user.role_codes(),
            is_staff=user.is_staff,
            is_superuser=user.is_superuser,
            required_roles=settings.TWO_FACTOR_ROLES,
        )
        user._needs_second_factor = cached
    return cached


def second_factor_pending(user) -> bool:
    """Logged in with the password, but the second factor is still owed."""
    return needs_second_factor(user) and not user.is_verified()


def has_authenticator(user) -> bool:
    """Whether two-factor login is set up: a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def active_members_under(unit) -> QuerySet[User]:
    """The active accounts of a unit and of every unit below it."""
    return User.objects.filter(unit__path__startswith=unit.path, is_active=True)


def dormant_accounts(*, before: datetime) -> QuerySet[User]:
    """Active accounts unused since `before`: no log-in, no API token used and not
    (re-)enabled since then, nor created since then."""
    recent_token_use = ApiToken.objects.filter(user=OuterRef("pk"), last_used_at__gte=before)
    return (
        User.objects.filter(is_active=True, date_joined__lt=before)
        .filter(Q(last_login__isnull=True) | Q(last_login__lt=before))
        .filter(Q(enabled_at__isnull=True) | Q(enabled_at__lt=before))
        .exclude(Exists(recent_token_use))
        .order_by("username")
    )
