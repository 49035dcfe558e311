"""JSON API for analytics: CompStat, hotspots and surge alerts (dates in ISO 8601)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from kalantar.analytics import selectors
from kalantar.analytics.compstat import Table
from kalantar.analytics.periods import day_error, period_error
from kalantar.core.api import responses
from kalantar.core.jalali import tehran_today
from kalantar.core.permissions import api_permission
from kalantar.core.persian import to_latin_digits
from kalantar.incidents import categories
from kalantar.org.selectors import UnitNotVisible, resolve_unit

router = Router(tags=["analytics"])

PERMISSION = "analytics.view_analytics"


def _unit(request: HttpRequest, code: str | None):
    try:
        return resolve_unit(request.auth, (code or "").strip().upper() or None)
    except UnitNotVisible:
        raise HttpError(404, _("Unknown unit.")) from None


def parse_day(text: str | None, default: date | None = None, *, name: str = "date") -> date:
    if not text:
        if default is None:
            raise HttpError(400, _("Give %(name)s as YYYY-MM-DD.") % {"name": name})
        return default
    try:
        return date.fromisoformat(to_latin_digits(text).strip())
    except ValueError:
        raise HttpError(
            400,
            _("“%(value)s” is not a date such as 2025-03-21 (%(name)s).")
            % {"value": text, "name": name},
        ) from None


def compstat_json(table: Table, unit) -> dict:
    def figures(row):
        return {key: comparison.as_dict() for key, comparison in row.figures.items()}

    return {
        "unit": unit.code,
        "date": table.day.isoformat(),
        "periods": {
            p.key: {
                "current": [p.current.start.isoformat(), p.current.end.isoformat()],
                "previous": [p.previous.start.isoformat(), p.previous.end.isoformat()],
            }
            for p in table.pairs
        },
        "categories": [
            {"category": r.category, "label": categories.label(r.category), **figures(r)}
            for r in table.rows
        ],
        "total": figures(table.total),
        "trend": {
            "weeks": [w.isoformat() for w in table.trend_weeks],
            "series": table.trend,
        },
    }


@router.get(
    "/analytics/compstat",
    response=responses(dict[str, Any], 400, 403, 404),
    summary="CompStat for a unit and date",
)
@api_permission(PERMISSION, _("You may not view analytics."))
def compstat(request: HttpRequest, unit: str | None = None, date: str | None = None):
    target = _unit(request, unit)
    day = parse_day(date, tehran_today())
    if error := day_error(day, today=tehran_today()):
        raise HttpError(400, error)
    table = selectors.compstat(user=request.auth, unit=target, day=day)
    return compstat_json(table, target)


class HotspotQuery(Schema):
    unit: str | None = None
    start: str | None = None
    end: str | None = None
    category: list[str] = []
    resolution: int = selectors.DEFAULT_RESOLUTION


def parse_hotspot_query(request: HttpRequest, q: HotspotQuery):
    target = _unit(request, q.unit)
    end = parse_day(q.end, tehran_today(), name="end")
    start = parse_day(q.start, end - timedelta(days=89), name="start")
    if error := period_error(start, end, today=tehran_today()):
        raise HttpError(400, error)
    codes = [c.strip() for item in q.category for c in item.split(",") if c.strip()]
    unknown = [c for c in codes if not categories.is_known(c)]
    if unknown:
        raise HttpError(400, _("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)})
    if not selectors.MIN_RESOLUTION <= q.resolution <= selectors.MAX_RESOLUTION:
        raise HttpError(
            400,
            _("The resolution must be between %(lo)s and %(hi)s.")
            % {"lo": selectors.MIN_RESOLUTION, "hi": selectors.MAX_RESOLUTION},
        )
    return target, start, end, codes


@router.get(
    "/analytics/hotspots",
    response=responses(dict[str, Any], 400, 403, 404),
    summary="H3 cell counts with Getis-Ord Gi*",
)
@api_permission(PERMISSION, _("You may not view analytics."))
def hotspots(request: HttpRequest, q: Query[HotspotQuery]):
    target, start, end, codes = parse_hotspot_query(request, q)
    cells = selectors.hotspots(
        user=request.auth,
        unit=target,
        start=start,
        end=end,
        categories=codes or None,
        resolution=q.resolution,
    )
    return {
        "unit": target.code,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "resolution": q.resolution,
        "categories": codes,
        "cells": [
            {
                "h3": c.h3,
                "count": c.count,
                "z": round(c.z, 4),
                "p": c.p,
                "significant": c.significant,
            }
            for c in cells
        ],
    }


@router.get(
    "/analytics/surges",
    response=responses(dict[str, Any], 400, 403, 404),
    summary="Surge alerts of a unit",
)
@api_permission(PERMISSION, _("You may not view analytics."))
def surges(request: HttpRequest, unit: str | None = None, date: str | None = None):
    target = _unit(request, unit)
    day = parse_day(date) if date else None
    alerts = selectors.surge_alerts(user=request.auth, unit=target, day=day)
    return {
        "unit": target.code,
        "alerts": [
            {
                "id": a.pk,
                "station": a.station.code,
                "category": a.category,
                "label": categories.label(a.category),
                "day": a.day.isoformat(),
                "current": a.current,
                "baseline_mean": round(a.baseline_mean, 2),
                "z": round(a.z, 3),
                "p": a.p,
                "status": a.status,
            }
            for a in alerts[:500]
        ],
    }
