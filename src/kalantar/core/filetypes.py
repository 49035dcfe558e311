"""What a file really is, read from its bytes (never from its name or the browser's word),
and the headers it is served with. Pure: no Django, tested on its own.

The content is recognised by puremagic (pure Python signatures, no system libmagic).
"""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from dataclasses import dataclass

import puremagic

# Shown in the browser itself; anything else is offered as a download.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "application/pdf"})
DOWNLOAD_TYPE = "application/octet-stream"
# A file opened from the store runs nothing and loads nothing, even if a browser were to
# render it as a page.
FILE_CSP = "default-src 'none'; sandbox"
# Signatures sit at the start of a file (puremagic also reads footers, which we do not need
# to tell JPEG, PNG and PDF apart from a renamed executable or page).
_SNIFF_BYTES = 8192
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\"<>:|?*]+')
_MAX_NAME = 150


def sniff(data: bytes) -> frozenset[str]:
    """Every media type the content's signature fits (empty when nothing is recognised)."""
    head = bytes(data[:_SNIFF_BYTES])
    if not head:
        return frozenset()
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return frozenset()
    return frozenset(m.mime_type for m in matches if m.mime_type)


def claimed_type(name: str, client_type: str = "") -> str:
    """The type a file says it is: its extension's, else what the browser sent."""
    guessed, _encoding = mimetypes.guess_type(name or "", strict=False)
    return (guessed or client_type or "").lower()


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one file against the accepted types."""

    content_type: str  # the checked type ("" when refused)
    claimed: str
    accepted_kind: bool  # its name claims a type the site accepts

    @property
    def ok(self) -> bool:
        return bool(self.content_type)


def check(name: str, client_type: str, data: bytes, accepted: frozenset[str] | set[str]) -> Verdict:
    """A file is accepted when its name claims an accepted type and its bytes prove it."""
    claimed = claimed_type(name, client_type)
    if claimed not in accepted:
        return Verdict("", claimed, accepted_kind=False)
    if claimed not in sniff(data):
        return Verdict("", claimed, accepted_kind=True)
    return Verdict(claimed, claimed, accepted_kind=True)


def served_type(data_head: bytes, accepted: frozenset[str] | set[str]) -> str:
    """The type to serve a stored file with, from its own bytes: one of the accepted types
    its content proves, else a plain download type. Files stored before the content check
    are served by the same rule."""
    found = sniff(data_head) & set(accepted)
    for preferred in sorted(INLINE_TYPES):
        if preferred in found:
            return preferred
    return sorted(found)[0] if found else DOWNLOAD_TYPE


def is_inline(content_type: str) -> bool:
    return content_type in INLINE_TYPES


def safe_filename(name: str, content_type: str) -> str:
    """A download name without control characters, separators or quotes, whose extension
    is that of the served type (a page renamed `.pdf` never comes back as `.html`)."""
    name = unicodedata.normalize("NFC", name or "")
    name = _UNSAFE_NAME.sub("_", name).strip(" ._") or "attachment"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    wanted = _extension(content_type)
    if wanted and f".{ext.lower()}" not in _extensions(content_type):
        stem, ext = (f"{stem}.{ext}" if dot else stem), wanted.lstrip(".")
    stem = stem[: _MAX_NAME - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def _extensions(content_type: str) -> set[str]:
    return set(mimetypes.guess_all_extensions(content_type, strict=False))


def _extension(content_type: str) -> str:
    if content_type == DOWNLOAD_TYPE:
        return ""
    preferred = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
    return preferred.get(content_type) or mimetypes.guess_extension(content_type) or ""
