from __future__ import annotations

from datetime import date, timedelta

import h3
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalantar.analytics import exports, selectors, services
from kalantar.analytics.forms import HotspotForm, UnitDateForm
from kalantar.analytics.models import SurgeAlert
from kalantar.core.jalali import format_jalali_date, tehran_today
from kalantar.core.persian import active_digits, localized_name
from kalantar.core.redirects import next_url
from kalantar.incidents import categories
from kalantar.incidents import selectors as incident_selectors
from kalantar.incidents.models import PatrolUnit
from kalantar.org.selectors import UnitNotVisible, resolve_unit

PERMISSION = "analytics.view_analytics"


def _yesterday() -> date:
    return tehran_today() - timedelta(days=1)


def _visible_unit(request: HttpRequest):
    try:
        # A unit outside the user's scope is "not found", never silently replaced.
        return resolve_unit(request.user, request.GET.get("unit") or None)
    except UnitNotVisible:
        raise Http404 from None


def _unit_and_day(request: HttpRequest, form_class=UnitDateForm):
    """The form, the unit and the day to analyse; the day is None while the form has errors
    (the page then shows them and computes nothing)."""
    unit = _visible_unit(request)
    form = form_class(request.GET or None, user=request.user)
    if not form.is_bound:
        form = form_class(initial={"unit": unit.code, "date": _yesterday()}, user=request.user)
        return form, unit, _yesterday()
    return form, unit, form.period()[1] if form.is_valid() else None


def _form_errors(form) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]


@login_required
@permission_required(PERMISSION, raise_exception=True)
def compstat_page(request: HttpRequest) -> HttpResponse:
    form, unit, day = _unit_and_day(request)
    if day is None:
        return render(request, "analytics/compstat.html", {"form": form, "unit": unit})
    table = selectors.compstat(user=request.user, unit=unit, day=day)
    chart = {
        "weeks": [w.isoformat() for w in table.trend_weeks],
        "series": {
            (categories.label(k) if k else _("Total")): v
            for k, v in sorted(table.trend.items(), key=lambda kv: -sum(kv[1]))[:6]
        },
    }
    context = {
        "form": form,
        "unit": unit,
        "day": day,
        "table": table,
        "titles": exports.period_titles(),
        "chart": chart,
        "date_param": format_jalali_date(day, "en"),
        "week_labels": [format_jalali_date(w, active_digits()) for w in table.trend_weeks],
    }
    return render(request, "analytics/compstat.html", context)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def compstat_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, unit, day = _unit_and_day(request)
    if day is None:
        return HttpResponse(" ".join(_form_errors(form)), status=400, content_type="text/plain")
    table = selectors.compstat(user=request.user, unit=unit, day=day)
    name = f"compstat-{unit.code}-{day.isoformat()}"
    if fmt == "xlsx":
        response = HttpResponse(
            exports.to_xlsx(table, localized_name(unit)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(exports.to_csv(table, localized_name(unit)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _hotspot_params(request: HttpRequest):
    """The form, the unit, the period, the categories and the cell resolution; the period
    is None while the form has errors."""
    unit = _visible_unit(request)
    form = HotspotForm(request.GET or None, user=request.user)
    if not form.is_bound:
        end = _yesterday()
        start, resolution = end - timedelta(days=89), selectors.page_resolution(unit, None)
        form = HotspotForm(
            initial={"unit": unit.code, "date": end, "start": start, "resolution": resolution},
            user=request.user,
        )
        return form, unit, (start, end), [], resolution
    if not form.is_valid():
        return form, unit, None, [], None
    resolution = selectors.page_resolution(unit, form.cleaned_data.get("resolution"))
    return form, unit, form.period(), form.cleaned_data.get("category") or [], resolution


@login_required
@permission_required(PERMISSION, raise_exception=True)
def hotspot_page(request: HttpRequest) -> HttpResponse:
    form, unit, period, _codes, _resolution = _hotspot_params(request)
    context = {"form": form, "unit": unit}
    if period is not None:
        context.update(
            start=period[0],
            end=period[1],
            hotspot_query=request.GET.urlencode() or f"unit={unit.code}",
        )
    return render(request, "analytics/hotspots.html", context)


def hotspot_geojson(cells) -> dict:
    features = []
    for c in cells:
        ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(c.h3)]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "h3": c.h3,
                    "count": c.count,
                    "z": round(c.z, 3),
                    "p": c.p,
                    "significant": c.significant,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


@login_required
@permission_required(PERMISSION, raise_exception=True)
def hotspot_data(request: HttpRequest) -> JsonResponse:
    form, unit, period, codes, resolution = _hotspot_params(request)
    if period is None:
        return JsonResponse({"errors": _form_errors(form)}, status=400)
    start, end = period
    cells = selectors.hotspots(
        user=request.user,
        unit=unit,
        start=start,
        end=end,
        categories=codes or None,
        resolution=resolution,
    )
    return JsonResponse(hotspot_geojson(cells))


@login_required
@permission_required(PERMISSION, raise_exception=True)
def surge_list(request: HttpRequest) -> HttpResponse:
    unit = _visible_unit(request)
    status = request.GET.get("status", SurgeAlert.Status.OPEN)
    alerts = selectors.surge_alerts(
        user=request.user, unit=unit, status=status if status in SurgeAlert.Status.values else None
    )
    return render(
        request,
        "analytics/surges.html",
        {
            "unit": unit,
            "alerts": alerts[:200],
            "status": status,
            "statuses": SurgeAlert.Status.choices,
            "AlertStatus": SurgeAlert.Status,
        },
    )


@login_required
@permission_required("analytics.change_surgealert", raise_exception=True)
@require_POST
def surge_close(request: HttpRequest, pk: int) -> HttpResponse:
    back = next_url(request, "analytics:surges")  # checked before anything is written
    alert = selectors.surge_alert_for(request.user, pk)
    if alert is None:
        raise Http404
    try:
        services.set_alert_status(by=request.user, alert=alert, status=SurgeAlert.Status.CLOSED)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(back)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def morning(request: HttpRequest) -> HttpResponse:
    """The station chief's morning page: yesterday, alerts, CompStat, hotspots, units."""
    form, unit, day = _unit_and_day(request)
    if day is None:
        return render(request, "analytics/morning.html", {"form": form, "unit": unit})
    table = selectors.compstat(user=request.user, unit=unit, day=day)
    incidents = selectors.yesterday_incidents(user=request.user, unit=unit, day=day)
    alerts = selectors.surge_alerts(user=request.user, unit=unit, status=SurgeAlert.Status.OPEN)
    start28, _end = selectors.window_days(day, 28)
    context = {
        "form": form,
        "unit": unit,
        "day": day,
        "table": table,
        "titles": exports.period_titles(),
        "flagged": [r for r in table.rows if any(f.flagged for f in r.figures.values())],
        "incidents": incidents[:100],
        "incident_count": incidents.count(),
        "alerts": alerts[:20],
        "AlertStatus": SurgeAlert.Status,
        "PatrolStatus": PatrolUnit.Status,
        "patrols": incident_selectors.units_for(request.user, unit),
        "patrol_summary": incident_selectors.unit_status_summary(request.user, unit),
        "response": incident_selectors.response_times(
            user=request.user, unit=unit, start=start28, end=day
        ),
        "hotspot_query": f"unit={unit.code}&date={format_jalali_date(day, 'en')}",
    }
    return render(request, "analytics/morning.html", context)
