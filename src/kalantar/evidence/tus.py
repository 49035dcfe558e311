"""The tus 1.0 resumable-upload protocol (core, creation, checksum, termination), as pure
functions over header values: no Django, tested on its own. The views speak HTTP with it
and the services do the storing.

Our own rather than a package: the Django servers published (django-tus) stopped at
Django 3.1, read each chunk into memory and lack the checksum extension; the maintained
Python server (tuspyserver) is a FastAPI router, outside Django's sessions, scoping and
audited transactions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

VERSION = "1.0.0"
EXTENSIONS = "creation,checksum,termination"
# Names as the checksum extension spells them → hashlib constructor names.
CHECKSUM_ALGORITHMS = {"sha1": "sha1", "sha256": "sha256", "sha512": "sha512", "md5": "md5"}
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
CHECKSUM_MISMATCH = 460  # the status the checksum extension defines


class TusError(Exception):
    """A request the protocol refuses: `status` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Checksum:
    algorithm: str
    digest: bytes

    def new_hasher(self):
        return hashlib.new(CHECKSUM_ALGORITHMS[self.algorithm])

    def matches(self, hasher) -> bool:
        return hasher.digest() == self.digest


@dataclass(frozen=True)
class Creation:
    length: int
    metadata: dict[str, str]


@dataclass(frozen=True)
class Patch:
    offset: int
    checksum: Checksum | None


def _header(headers: dict[str, str], name: str) -> str | None:
    value = headers.get(name.lower())
    return value.strip() if value is not None else None


def check_version(headers: dict[str, str]) -> None:
    """Every request but OPTIONS names the protocol version; another one is 412."""
    if _header(headers, "Tus-Resumable") != VERSION:
        raise TusError(412, "unsupported tus version")


def _whole(value: str | None, name: str) -> int:
    if value is None or not value.isascii() or not value.isdigit():
        raise TusError(400, f"{name} must be a non-negative whole number")
    return int(value)


def parse_metadata(value: str | None) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs (the value may be absent)."""
    metadata: dict[str, str] = {}
    for pair in (value or "").split(","):
        parts = pair.strip().split(" ")
        if parts == [""]:
            continue
        if len(parts) > 2 or not parts[0] or parts[0] in metadata:
            raise TusError(400, "malformed Upload-Metadata")
        try:
            decoded = base64.b64decode(parts[1], validate=True) if len(parts) == 2 else b""
            metadata[parts[0]] = decoded.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise TusError(400, "malformed Upload-Metadata") from exc
    return metadata


def parse_creation(headers: dict[str, str], *, max_size: int) -> Creation:
    """A POST creating an upload: its declared length (deferred length is not offered)."""
    check_version(headers)
    length = _whole(_header(headers, "Upload-Length"), "Upload-Length")
    if length > max_size:
        raise TusError(413, "upload larger than Tus-Max-Size")
    return Creation(length=length, metadata=parse_metadata(_header(headers, "Upload-Metadata")))


def parse_checksum(value: str | None) -> Checksum | None:
    """Upload-Checksum: `<algorithm> <base64 digest>`; an algorithm we lack is 400."""
    if value is None:
        return None
    algorithm, _space, encoded = value.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise TusError(400, "unsupported checksum algorithm")
    try:
        digest = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as exc:
        raise TusError(400, "malformed Upload-Checksum") from exc
    if len(digest) != hashlib.new(CHECKSUM_ALGORITHMS[algorithm]).digest_size:
        raise TusError(400, "malformed Upload-Checksum")
    return Checksum(algorithm, digest)


def parse_patch(headers: dict[str, str], *, current_offset: int) -> Patch:
    """A PATCH appending bytes: it must say where it starts, and start where we are."""
    check_version(headers)
    content_type = (_header(headers, "Content-Type") or "").split(";")[0].strip()
    if content_type != OFFSET_CONTENT_TYPE:
        raise TusError(415, f"Content-Type must be {OFFSET_CONTENT_TYPE}")
    offset = _whole(_header(headers, "Upload-Offset"), "Upload-Offset")
    if offset != current_offset:
        raise TusError(409, "Upload-Offset does not match the upload's offset")
    return Patch(offset=offset, checksum=parse_checksum(_header(headers, "Upload-Checksum")))


def options_headers(*, max_size: int) -> dict[str, str]:
    return {
        "Tus-Resumable": VERSION,
        "Tus-Version": VERSION,
        "Tus-Extension": EXTENSIONS,
        "Tus-Max-Size": str(max_size),
        "Tus-Checksum-Algorithm": ",".join(CHECKSUM_ALGORITHMS),
    }


def offset_headers(*, offset: int, length: int) -> dict[str, str]:
    return {
        "Tus-Resumable": VERSION,
        "Upload-Offset": str(offset),
        "Upload-Length": str(length),
        "Cache-Control": "no-store",
    }
