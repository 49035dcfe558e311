"""Files people attach (complaints, problem-solving projects, agencies' answers): one
shape, one reader and one set of limits (settings.ATTACHMENT_TYPES / _MAX_BYTES)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from kalantar.core.templatetags.kalantar import digits


@dataclass(frozen=True)
class UploadedFile:
    name: str
    content_type: str
    data: bytes


def read_uploads(files: Iterable | None) -> list[UploadedFile]:
    """Django's uploaded files as plain values the services can check and store."""
    return [
        UploadedFile(name=f.name, content_type=f.content_type or "", data=f.read())
        for f in files or []
    ]


def attachment_errors(files: Sequence[UploadedFile]) -> list[str]:
    """One Persian message per file of a type or size the site does not accept."""
    errors = []
    for f in files:
        if f.content_type not in settings.ATTACHMENT_TYPES:
            errors.append(
                _("“%(name)s”: only JPEG, PNG and PDF files are accepted.") % {"name": f.name}
            )
        elif len(f.data) > settings.ATTACHMENT_MAX_BYTES:
            errors.append(
                _("“%(name)s” is larger than %(mb)s MB.")
                % {"name": f.name, "mb": digits(settings.ATTACHMENT_MAX_BYTES // (1024 * 1024))}
            )
    return errors
