"""API keys for Open311 client applications: issued once, stored only as a digest
(`core.models.HashedSecret`), revoked and restored by administrators; each step audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kalantar.complaints.models import Open311Key
from kalantar.core import audit
from kalantar.core.persian import normalize_text


def create_key(*, by, name: str) -> tuple[Open311Key, str]:
    """Issue a key for a client application; the raw key is returned once and never stored."""
    key = Open311Key(name=name)
    return key, issue(key, by=by)


def issue(key: Open311Key, *, by) -> str:
    """Give a new, unsaved key its secret and save it; returns the raw key, shown only once."""
    name = normalize_text(key.name)
    if not name:
        raise ValidationError({"name": [_("Name the application the key is for.")]})
    key.name = name[:100]
    raw = key.draw_secret()
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
    """The active key matching a raw key, or None; a match is noted as the key's last use."""
    key = Open311Key.objects.matching(raw)
    if key is not None:
        key.note_use()
    return key
