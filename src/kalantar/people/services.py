"""Writes about people: accounts, roles and API tokens, each audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.core import audit
from kalantar.core.persian import normalize_text
from kalantar.org.models import Unit
from kalantar.people.models import ApiToken
from kalantar.people.roles import ROLE_CODES, get_role, sync_roles

TOKEN_PREFIX = "klt_"
# Writing last_used_at on every call would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def add_user(
    *,
    by,
    username: str,
    role: str,
    unit_code: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    check_password: bool = True,
):
    """Create an account in a unit with one role. Raises ValidationError, changing nothing."""
    User = get_user_model()
    username = normalize_text(username)
    errors = []
    if not username:
        errors.append(_("Enter a username."))
    elif User.objects.filter(username__iexact=username).exists():
        errors.append(_("The username “%(username)s” is taken.") % {"username": username})
    if get_role(role) is None:
        errors.append(
            _("Unknown role “%(role)s”. Known roles: %(roles)s.")
            % {"role": role, "roles": ", ".join(ROLE_CODES)}
        )
    unit = Unit.objects.filter(code=normalize_text(unit_code).upper()).first()
    if unit is None:
        errors.append(_("Unknown unit “%(code)s”.") % {"code": unit_code})
    if check_password and not errors:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            unit=unit,
            first_name=normalize_text(first_name),
            last_name=normalize_text(last_name),
            is_staff=role == "sysadmin",
        )
        group = Group.objects.filter(name=role).first()
        if group is None:
            sync_roles()
            group = Group.objects.get(name=role)
        user.groups.add(group)
        audit.record(
            "people.user.create",
            actor=by,
            obj=user,
            detail={"username": username, "role": role, "unit": unit.code},
        )
    return user


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, by, user, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a bearer token; the raw token is returned once and never stored."""
    if not user.is_active:
        raise ValidationError(_("The account is not active."))
    days = settings.API_TOKEN_DAYS if days is None else days
    if days < 1:
        raise ValidationError(_("A token must be valid for at least one day."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=normalize_text(name),
            prefix=raw[: len(TOKEN_PREFIX) + 4],
            digest=_digest(raw),
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit.record(
            "people.token.create",
            actor=by,
            obj=token,
            detail={"user": user.username, "days": days},
        )
    return token, raw


def revoke_token(*, by, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("people.token.revoke", actor=by, obj=token)


def user_for_token(raw: str):
    """The active user a bearer token belongs to, or None."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.active()
        .select_related("user", "user__unit")
        .filter(digest=_digest(raw))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
