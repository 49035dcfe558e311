"""The portal's public API: the monthly statistics, without a login."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from kalantar.core.api import InvalidOut
from kalantar.portal.transparency import stats_json

router = Router(tags=["transparency"])


class PublicErrorOut(Schema):
    error: str


@router.get(
    "/transparency/stats",
    auth=None,
    response={200: dict[str, Any], 400: PublicErrorOut, 422: InvalidOut},
    summary="Public monthly statistics of a unit (no login)",
    description=(
        "Closed cases only. `unit`: a station, county or province code; `month`: YYYY-MM, "
        "Jalali (1404-07) or Gregorian (2025-10). Counts are rounded to the nearest 5, "
        "'<5' stands for 1–4 and 'withheld' for a figure that would reveal a small count."
    ),
)
def public_stats(request: HttpRequest, unit: str = "", month: str = "") -> HttpResponse:
    # The same cached document as /transparency/stats.json.
    request.GET = request.GET.copy()
    request.GET["unit"], request.GET["month"] = unit, month
    return stats_json(request)
