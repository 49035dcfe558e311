"""API keys for Open311 client applications: issued once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.complaints.models import Open311Key
from kalantar.core import audit
from kalantar.core.persian import normalize_text

KEY_PREFIX = "o311_"
# Writing last_used_at on every request would turn each report into two writes.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_key(*, by, name: str) -> tuple[Open311Key, str]:
    """Issue a key for a client application; the raw key is returned once and never stored."""
    key = Open311Key(name=name)
    return key, issue(key, by=by)


def issue(key: Open311Key, *, by) -> str:
    """Give a new, unsaved key its secret and save it; returns the raw key, shown only once."""
    name = normalize_text(key.name)
    if not name:
        raise ValidationError({"name": [_("Name the application the key is for.")]})
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key.name, key.prefix, key.digest = name[:100], raw[: len(KEY_PREFIX) + 4], _digest(raw)
    with transaction.atomic():
        key.save()
        audit.record("complaints.open311_key.create", actor=by, obj=key, detail={"name": key.name})
    return raw


def set_active(key: Open311Key, *, by, active: bool) -> None:
    """Revoke a key (its application can no longer report) or restore it; audited."""
    with transaction.atomic():
        Open311Key.objects.filter(pk=key.pk).update(is_active=active)
        key.is_active = active
        audit.record(
            "complaints.open311_key.reactivate" if active else "complaints.open311_key.revoke",
            actor=by,
            obj=key,
        )


def key_for(raw: str | None) -> Open311Key | None:
    """The active key matching a raw key, or None."""
    if not raw or not raw.startswith(KEY_PREFIX):
        return None
    key = Open311Key.objects.filter(digest=_digest(raw), is_active=True).first()
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        Open311Key.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
