"""The maps' base layer served by the site itself: a PMTiles archive read by byte ranges."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from kalantar.core.byte_ranges import UnsatisfiableRange, parse_range


def pmtiles_path() -> Path | None:
    """The configured archive, or None when the maps use no self-served base layer."""
    configured = settings.MAP_PMTILES_PATH
    if not configured:
        return None
    path = Path(configured)
    return path if path.is_file() else None


@require_safe
def pmtiles(request: HttpRequest) -> HttpResponse:
    """The archive, or the one byte range of it the map's reader asks for (206).

    Public: the citizens' complaint form shows the same base layer. The tiles are a
    street map, not the system's data.
    """
    path = pmtiles_path()
    if path is None:
        raise Http404
    size = path.stat().st_size
    header = request.headers.get("Range")
    if not header:
        response = FileResponse(path.open("rb"), content_type="application/octet-stream")
        response["Accept-Ranges"] = "bytes"
        return response
    try:
        start, end = parse_range(header, size)
    except UnsatisfiableRange:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    with path.open("rb") as archive:
        archive.seek(start)
        body = archive.read(end - start + 1)
    response = HttpResponse(body, status=206, content_type="application/octet-stream")
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "public, max-age=3600"
    return response
