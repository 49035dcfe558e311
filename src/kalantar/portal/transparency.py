"""The public transparency pages (no login): monthly statistics of closed cases.

Every figure shown comes from `stats.monthly_statistics`, which publishes only rounded
counts ("fewer than 5" below 5) and H3 resolution-7 cells; nothing here reads a record.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

import h3
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.html import json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kalantar.core import periods
from kalantar.core.jalali import tehran_today
from kalantar.core.persian import active_digits
from kalantar.incidents.categories import label
from kalantar.org.models import Unit
from kalantar.org.validation import normalize_unit_code, unit_code_problem
from kalantar.portal import stats
from kalantar.portal.disclosure import BASE, THRESHOLD

# The CSV's columns, in order, with what each holds (shown, translated, on the "about"
# page). The column names and the codes quoted in the meanings are the file's own and stay
# as they are in every language.
CSV_COLUMNS: tuple[tuple[str, object], ...] = (
    ("unit_code", gettext_lazy("code of the station, county or province")),
    ("unit_name", gettext_lazy("its name in Persian")),
    ("unit_name_en", gettext_lazy("its name in English")),
    ("month", gettext_lazy("the Jalali month, YYYY-MM")),
    ("period_first", gettext_lazy("first day of the month (Gregorian, YYYY-MM-DD)")),
    ("period_last", gettext_lazy("last day of the month (Gregorian, YYYY-MM-DD)")),
    (
        "section",
        gettext_lazy(
            "which figure: incidents_total, incidents_by_category, incidents_by_unit, "
            "incidents_by_h3_cell, complaints, alarms, referrals"
        ),
    ),
    ("key", gettext_lazy("category code, unit code, H3 cell (resolution 7), agency or measure")),
    ("label_fa", gettext_lazy("what the row is, in Persian")),
    ("label_en", gettext_lazy("what the row is, in English")),
    ("measure", gettext_lazy("count, median_days, mean_rating or percent")),
    (
        "value",
        gettext_lazy(
            "the figure: counts rounded to the nearest 5, '<5' for fewer than 5, "
            "empty when there were too few cases to publish it"
        ),
    ),
)


class BadRequest(ValueError):
    pass


def _unit(request: HttpRequest) -> Unit:
    code = normalize_unit_code(request.GET.get("unit", ""))
    units = stats.public_units()
    if not code:
        unit = units.filter(kind="province").first() or units.first()
        if unit is None:
            raise BadRequest(_("No statistics have been published yet."))
        return unit
    # A code that cannot exist is not looked up (PostgreSQL refuses text with NUL).
    unit = None if unit_code_problem(code) else units.filter(code=code).first()
    if unit is None:
        raise BadRequest(
            _("There is no station, county or province with the code %(code)s.")
            % {"code": code[:40]}
        )
    return unit


def _month(request: HttpRequest) -> periods.Month:
    text = request.GET.get("month", "").strip()
    if not text:
        return periods.last_complete_month(tehran_today())
    try:
        return periods.parse_month(text)
    except periods.PeriodError as error:
        raise BadRequest(str(error)) from error


def _selection(request: HttpRequest) -> tuple[Unit, periods.Month]:
    return _unit(request), _month(request)


def _category_label(code: str, lang: str) -> str:
    with translation.override(lang):
        return label(code)


def _cells_geojson(cells: list[dict]) -> dict:
    features = []
    for row in cells:
        ring = [[round(lng, 5), round(lat, 5)] for lat, lng in h3.cell_to_boundary(row["cell"])]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "properties": {"cell": row["cell"], "count": row["count"]},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _cells_script(unit: Unit, month: periods.Month, data: dict) -> str:
    """The map's hexagons as a ready <script> element, cached: drawing a province's cells
    takes longer than everything else on the page."""
    key = stats.cache_key(unit, month) + ":cells"
    script = cache.get(key)
    if script is None:
        script = str(json_script(_cells_geojson(data["incidents"]["by_cell"]), "cells-data"))
        cache.set(key, script, stats.CACHE_SECONDS)
    return mark_safe(script)  # built by json_script, which escapes the JSON for HTML


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    try:
        unit, month = _selection(request)
    except BadRequest as error:
        return render(
            request,
            "portal/transparency/index.html",
            {"error": str(error), **_choices()},
            status=400,
        )
    data = stats.monthly_statistics(unit, month)
    lang = _lang()
    categories = [
        {**row, "label": _category_label(row["category"], lang)}
        for row in data["incidents"]["by_category"]
    ]
    context = {
        **_choices(month),
        "data": data,
        "unit": unit,
        "month": month,
        "month_label": month.label(lang),
        "categories": categories,
        "chart": {
            "labels": [row["label"] for row in categories],
            # A "fewer than 5" bar is drawn at 2.5, between 0 and 5, and labelled as such.
            "values": [
                row["count"] if isinstance(row["count"], int) else 2.5 for row in categories
            ],
            "small": [not isinstance(row["count"], int) for row in categories],
            "raw": [row["count"] for row in categories],
        },
        "chart_height": max(160, 24 * len(categories) + 40),
        "cells_script": _cells_script(unit, month, data),
        "query": f"unit={unit.code}&month={month.jalali_code}",
        "threshold": THRESHOLD,
        "base": BASE,
    }
    return render(request, "portal/transparency/index.html", context)


def _lang() -> str:
    return active_digits()


def _choices(month: periods.Month | None = None) -> dict:
    months = [
        {"code": m.jalali_code, "label": m.label(_lang())}
        for m in periods.recent_months(tehran_today())
    ]
    return {
        "units": stats.public_units(),
        "months": months,
        "month_listed": month is not None and any(m["code"] == month.jalali_code for m in months),
    }


def _rows(data: dict) -> list[list]:
    """The statistics as CSV rows (without the unit/month columns)."""
    rows: list[list] = []

    def add(section, key, fa, en, measure, value):
        rows.append([section, key, fa, en, measure, "" if value is None else value])

    incidents = data["incidents"]
    add(
        "incidents_total",
        "closed",
        "رویدادهای مختومه",
        "Closed incidents",
        "count",
        incidents["total"],
    )
    for row in incidents["by_category"]:
        code = row["category"]
        add(
            "incidents_by_category",
            code,
            _category_label(code, "fa"),
            _category_label(code, "en"),
            "count",
            row["count"],
        )
    for row in incidents["by_unit"]:
        add("incidents_by_unit", row["code"], row["name"], row["name_en"], "count", row["count"])
    for row in incidents["by_cell"]:
        add("incidents_by_h3_cell", row["cell"], "سلول H3", "H3 cell", "count", row["count"])
    c = data["complaints"]
    add("complaints", "received", "شکایت‌های دریافتی", "Complaints received", "count", c["received"])
    add("complaints", "closed", "شکایت‌های مختومه", "Complaints closed", "count", c["closed"])
    add(
        "complaints",
        "median_days_to_close",
        "میانه روزهای رسیدگی تا اختتام",
        "Median days to close",
        "median_days",
        c["median_days_to_close"],
    )
    add(
        "complaints",
        "satisfaction",
        "میانگین رضایت شهروندان (۱ تا ۵)",
        "Mean citizen satisfaction (1-5)",
        "mean_rating",
        c["satisfaction"],
    )
    if data["alarms"] is not None:
        a = data["alarms"]
        add("alarms", "resolved", "هشدارهای رسیدگی‌شده", "Alarms resolved", "count", a["resolved"])
        add(
            "alarms",
            "false_alarm_percent",
            "درصد هشدار کاذب",
            "False-alarm rate",
            "percent",
            a["false_alarm_percent"],
        )
    for row in data["referrals"]:
        for key, fa, en in (
            ("received", "ارجاع‌های دریافتی", "referrals received"),
            ("answered_on_time", "پاسخ به‌موقع", "answered on time"),
            ("answered_late", "پاسخ با تأخیر", "answered late"),
            ("declined", "ردشده", "declined"),
            ("overdue", "بی‌پاسخ پس از مهلت", "unanswered after the deadline"),
        ):
            add(
                "referrals",
                key,
                f"{row['agency']}: {fa}",
                f"{row['agency_en'] or row['agency']}: {en}",
                "count",
                row[key],
            )
        add(
            "referrals",
            "median_days_to_answer",
            f"{row['agency']}: میانه روزهای پاسخ",
            f"{row['agency_en'] or row['agency']}: median days to answer",
            "median_days",
            row["median_days_to_answer"],
        )
    return rows


def _error_response(error: BadRequest, kind: str) -> HttpResponse:
    if kind == "json":
        return JsonResponse(
            {"error": str(error)}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")


def _request_key(request: HttpRequest, kind: str) -> str:
    """A cache key from the query as sent, so a repeated request needs no database at all.
    An empty month means the last complete one, which changes with the day."""
    unit = request.GET.get("unit", "")
    month = request.GET.get("month", "") or f"latest@{tehran_today()}"
    # Hashed: the query is whatever the visitor typed, and cache keys must stay plain.
    digest = hashlib.sha256(f"{unit}\n{month}".encode()).hexdigest()[:32]
    return f"transparency:{stats.CACHE_VERSION}:request:{kind}:{digest}"


def _cached_body(request: HttpRequest, kind: str, build) -> HttpResponse:
    key = _request_key(request, kind)
    cached = cache.get(key)
    if cached is None:
        try:
            unit, month = _selection(request)
        except BadRequest as error:
            return _error_response(error, kind)
        cached = build(unit, month)
        cache.set(key, cached, stats.CACHE_SECONDS)
    body, filename = cached
    if kind == "json":
        return HttpResponse(body, content_type="application/json")
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def stats_csv(request: HttpRequest) -> HttpResponse:
    return _cached_body(request, "csv", _csv_body)


def _csv_body(unit: Unit, month: periods.Month) -> tuple[bytes, str]:
    key = stats.cache_key(unit, month) + ":csv"
    body = cache.get(key)
    if body is None:
        data = stats.monthly_statistics(unit, month)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([name for name, _desc in CSV_COLUMNS])
        lead = [
            unit.code,
            unit.name,
            unit.name_en,
            data["month"]["code"],
            data["month"]["first"],
            data["month"]["last"],
        ]
        for row in _rows(data):
            writer.writerow(lead + row)
        # A byte-order mark lets spreadsheet programs read the Persian text as UTF-8.
        body = ("\ufeff" + out.getvalue()).encode("utf-8")
        cache.set(key, body, stats.CACHE_SECONDS)
    return body, f"kalantar-{unit.code}-{month.jalali_code}.csv"


@require_GET
def stats_json(request: HttpRequest) -> HttpResponse:
    return _cached_body(request, "json", _json_body)


def _json_body(unit: Unit, month: periods.Month) -> tuple[bytes, str]:
    body = json.dumps(public_document(unit, month), ensure_ascii=False).encode("utf-8")
    return body, ""


def public_document(unit: Unit, month: periods.Month) -> dict:
    return {
        **stats.monthly_statistics(unit, month),
        "rules": {
            "closed_cases_only": True,
            "fewer_than": THRESHOLD,
            "rounded_to": BASE,
            "h3_resolution": stats.CELL_RESOLUTION,
        },
    }


@require_GET
def columns(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/transparency/about.html",
        {
            "columns": CSV_COLUMNS,
            "threshold": THRESHOLD,
            "base": BASE,
            "resolution": stats.CELL_RESOLUTION,
        },
    )
