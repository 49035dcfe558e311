"""An online complaint waiting for the citizen to confirm it, kept in their session.

The fields live in the session; attachments (up to a few MB each) are written under
MEDIA_ROOT/tmp/portal with random names, which the media URL never serves, and are removed
when the complaint is filed, the draft is discarded, or they are left longer than a session
can live.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.core.jalali import format_jalali_datetime
from kalantar.core.persian import active_digits
from kalantar.core.uploads import UploadedFile
from kalantar.portal.forms import SERVICE_FIELDS

DRAFT_KEY = "portal.draft"
FILED_KEY = "portal.filed"
MAX_REMEMBERED = 20
STALE_SECONDS = 6 * 3600
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")

# Cleaned fields stored as they are (strings, numbers, booleans); the other two are converted.
_PLAIN = tuple(name for name in SERVICE_FIELDS if name not in ("category", "incident_at"))


class DraftExpired(Exception):
    """The draft cannot be filed any more: its files were cleaned up, or its category removed."""


@dataclass
class Draft:
    fields: dict[str, Any]
    unit_code: str
    attachments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def category(self) -> Category:
        category = Category.objects.filter(pk=self.fields["category"]).first()
        if category is None:
            raise DraftExpired("category")
        return category

    @property
    def incident_at(self) -> datetime:
        return datetime.fromisoformat(self.fields["incident_at"])

    def complaint_draft(self) -> ComplaintDraft:
        """The complaint to file (attachments apart)."""
        plain = {name: self.fields[name] for name in _PLAIN}
        return ComplaintDraft(**plain, category=self.category, incident_at=self.incident_at)

    def form_data(self) -> dict[str, Any]:
        """The draft as the form's data, to edit it or to show errors found on filing."""
        plain = {name: self.fields[name] for name in _PLAIN}
        plain["lat"] = "" if plain["lat"] is None else str(plain["lat"])
        plain["lon"] = "" if plain["lon"] is None else str(plain["lon"])
        return {
            **plain,
            "category": str(self.fields["category"]),
            "incident_at": format_jalali_datetime(self.incident_at, active_digits()),
        }


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "tmp" / "portal"


def _path(token: str) -> Path:
    if not _TOKEN.fullmatch(token):
        raise DraftExpired(token)
    return _folder() / token


def _write(upload: UploadedFile) -> dict[str, Any]:
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    path = folder / token
    path.write_bytes(upload.data)
    path.chmod(0o600)
    return {
        "token": token,
        "name": upload.name,
        "content_type": upload.content_type,
        "size": len(upload.data),
    }


def _remove_files(attachments: list[dict[str, Any]]) -> None:
    for item in attachments:
        try:
            _path(item["token"]).unlink(missing_ok=True)
        except DraftExpired:
            continue


def _remove_stale() -> None:
    """Files of drafts never confirmed: their sessions have long expired."""
    folder = _folder()
    if not folder.is_dir():
        return
    cutoff = time.time() - STALE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            continue  # another process cleaned it first


def load(session: SessionBase) -> Draft | None:
    data = session.get(DRAFT_KEY)
    return Draft(**data) if data else None


def save(
    session: SessionBase,
    cleaned: dict[str, Any],
    *,
    unit_code: str,
    uploads: list[UploadedFile] | None,
) -> Draft:
    """Keep the checked form; `uploads=None` keeps the attachments of the previous draft."""
    previous = load(session)
    if uploads is None:
        attachments = previous.attachments if previous else []
    else:
        if previous:
            _remove_files(previous.attachments)
        _remove_stale()
        attachments = [_write(upload) for upload in uploads]
    fields = {name: cleaned.get(name) for name in _PLAIN}
    fields["category"] = cleaned["category"].pk
    fields["incident_at"] = cleaned["incident_at"].isoformat()
    draft = Draft(fields=fields, unit_code=unit_code, attachments=attachments)
    session[DRAFT_KEY] = {
        "fields": draft.fields,
        "unit_code": draft.unit_code,
        "attachments": draft.attachments,
    }
    return draft


def discard(session: SessionBase) -> None:
    draft = load(session)
    if draft:
        _remove_files(draft.attachments)
    session.pop(DRAFT_KEY, None)


def read_attachments(draft: Draft) -> list[UploadedFile]:
    files = []
    for item in draft.attachments:
        try:
            data = _path(item["token"]).read_bytes()
        except FileNotFoundError:
            raise DraftExpired(item["name"]) from None
        files.append(UploadedFile(item["name"], item["content_type"], data))
    return files


def remember_filed(session: SessionBase, code: str) -> None:
    """This session filed `code`, so it may show its receipt (with the complainant's name)."""
    codes = [c for c in session.get(FILED_KEY, []) if c != code]
    session[FILED_KEY] = [*codes, code][-MAX_REMEMBERED:]


def filed_here(session: SessionBase, code: str) -> bool:
    return code in session.get(FILED_KEY, [])
