"""Files people attach (complaints, problem-solving projects, agencies' answers): one
shape, one reader and one set of limits (settings.ATTACHMENT_TYPES / _MAX_BYTES).

A file's type is read from its bytes (`core.filetypes`): a program or a page renamed
`.jpg` or `.pdf` is refused, and what is kept is the type its content proved."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from kalantar.core import filetypes
from kalantar.core.persian import digits


@dataclass(frozen=True)
class UploadedFile:
    name: str
    content_type: str  # as the browser sent it: a claim, never trusted
    data: bytes


def read_uploads(files: Iterable | None) -> list[UploadedFile]:
    """Django's uploaded files as plain values the services can check and store."""
    uploads = []
    for f in files or []:
        f.seek(0)  # a form's check may have read it already
        uploads.append(UploadedFile(name=f.name, content_type=f.content_type or "", data=f.read()))
    return uploads


def accepted_types() -> frozenset[str]:
    return frozenset(settings.ATTACHMENT_TYPES)


def checked_type(upload: UploadedFile) -> str:
    """The type the file's content proves ("" when it is refused)."""
    return filetypes.check(
        upload.name, upload.content_type, upload.data, accepted_types()
    ).content_type


def attachment_error(upload: UploadedFile) -> str | None:
    """The Persian message for a file of a type or size the site does not accept."""
    verdict = filetypes.check(upload.name, upload.content_type, upload.data, accepted_types())
    if not verdict.accepted_kind:
        return _("“%(name)s”: only JPEG, PNG and PDF files are accepted.") % {"name": upload.name}
    if not verdict.ok:
        return _(
            "“%(name)s” is not the file its name says: its content is not %(kind)s. "
            "It was not accepted."
        ) % {"name": upload.name, "kind": _kind_label(verdict.claimed)}
    if len(upload.data) > settings.ATTACHMENT_MAX_BYTES:
        return _("“%(name)s” is larger than %(mb)s MB.") % {
            "name": upload.name,
            "mb": digits(settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)),
        }
    return None


def attachment_errors(files: Sequence[UploadedFile]) -> list[str]:
    """One Persian message per file the site does not accept."""
    return [error for f in files if (error := attachment_error(f))]


def _kind_label(content_type: str) -> str:
    labels = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}
    return labels.get(content_type, content_type)
