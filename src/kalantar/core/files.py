"""The attachment store: where every app's attached files are kept and how they are opened.

Files live in the storage named "attachments" (settings.STORAGES: a folder under the var
directory by default, S3 through django-storages by configuration alone) under random
names no URL maps to. They are opened only through `open_stored_file`, which writes the
audit entry of the reading in the same transaction, after the owning app's selector has
decided that the reader may see the record the file belongs to.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header

from kalantar.core import audit, filetypes
from kalantar.core.byte_ranges import UnsatisfiableRange, parse_range
from kalantar.core.models import StoredFile
from kalantar.core.uploads import UploadedFile, accepted_types, checked_type

AUDIT_OPEN = "files.open"


def store(record: StoredFile, upload: UploadedFile) -> StoredFile:
    """Keep `upload` as `record` (an unsaved attachment of some app), with the type its
    content proved. Call inside the owning service's transaction, after its checks."""
    record.original_name = upload.name[:200]
    record.content_type = checked_type(upload) or filetypes.DOWNLOAD_TYPE
    record.size = len(upload.data)
    record.sha256 = hashlib.sha256(upload.data).hexdigest()
    record.file.save(upload.name, ContentFile(upload.data), save=False)
    record.save()
    return record


def open_stored_file(*, by, record: StoredFile, via: str = "staff") -> FileResponse:
    """The file of `record` as a response, its reading audited in the same transaction.

    The caller has checked that the reader may see the record; `via` says how ("staff",
    or "link" for an agency's signed answer link). A file missing from the store is a 404
    and leaves no audit entry."""
    with transaction.atomic():
        try:
            handle = record.file.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        audit.record(
            AUDIT_OPEN,
            actor=by,
            obj=record,
            detail={"name": record.original_name, "sha256": record.sha256, "via": via},
        )
    return file_response(handle, record.original_name)


def file_response(handle, name: str) -> FileResponse:
    """Serve an open file with the type read from its own bytes, never the one stored from
    the browser's claim: inline for images and PDF, a download otherwise, with nosniff and
    a CSP that lets the file run and load nothing."""
    content_type = filetypes.served_type(handle.read(8192), accepted_types())
    handle.seek(0)
    as_attachment = not filetypes.is_inline(content_type)
    filename = filetypes.safe_filename(name, content_type)
    response = _handed_to_proxy(handle, content_type)
    if response is None:
        response = FileResponse(
            handle, content_type=content_type, as_attachment=as_attachment, filename=filename
        )
    else:
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return _protected(response)


def _protected(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = filetypes.FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    add_never_cache_headers(response)
    return response


def _handed_to_proxy(handle, content_type: str) -> HttpResponse | None:
    """Behind nginx (PROTECTED_FILES_REDIRECT set), the web worker answers with the file's
    internal address and nginx sends the bytes, ranges included; the permission check and
    the audit have already happened. Files outside the var directory are served here."""
    prefix = settings.PROTECTED_FILES_REDIRECT
    if not prefix:
        return None
    local = getattr(handle, "path", None) or getattr(handle, "name", None)
    if not isinstance(local, str | Path):
        return None
    path, root = Path(local).resolve(), Path(settings.VAR_DIR).resolve()
    if not path.is_relative_to(root):
        return None
    handle.close()
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(str(path.relative_to(root)))
    return response


_PART_BLOCK = 64 * 1024


def _part(handle, start: int, length: int):
    """`length` bytes of `handle` from `start`, a block at a time (never the whole part in
    memory: a player asks for "bytes=N-", the rest of a file of gigabytes)."""
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            block = handle.read(min(_PART_BLOCK, remaining))
            if not block:
                break
            remaining -= len(block)
            yield block
    finally:
        handle.close()


def range_response(handle, *, size: int, range_header: str, content_type: str) -> HttpResponse:
    """Media played in the page: the whole file, or the one byte range a player asks for
    (206), so seeking does not download what lies before. `content_type` is the one read
    from the file's bytes when it was stored; the same headers as `file_response`."""
    proxied = _handed_to_proxy(handle, content_type)
    if proxied is not None:
        return _protected(proxied)
    if range_header:
        try:
            start, end = parse_range(range_header, size)
        except UnsatisfiableRange:
            handle.close()
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        response = StreamingHttpResponse(
            _part(handle, start, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    else:
        start, end = 0, size - 1
        response = StreamingHttpResponse(_part(handle, 0, size), content_type=content_type)
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    return _protected(response)
