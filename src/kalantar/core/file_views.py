"""The one page every app's attachments are opened through (thin: the owning app's
selector decides who may see the file, `core.files` serves and audits it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from kalantar.core import extensions, files


@login_required
@require_GET
def attachment(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    registered = extensions.attachment_kind(kind)
    record = registered.find(request.user, pk) if registered else None
    if record is None:
        raise Http404  # another station's file is simply not found, as its record is
    return files.open_stored_file(by=request.user, record=record)
