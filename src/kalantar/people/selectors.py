"""Reads about people that are more than a `.get()`."""

from __future__ import annotations

from django.conf import settings

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
