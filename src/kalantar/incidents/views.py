from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kalantar.core.jalali import tehran_today
from kalantar.core.redirects import next_url
from kalantar.core.scoping import found_or_404
from kalantar.core.views import upload_job_page
from kalantar.incidents import import_jobs, selectors, services
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.forms import IncidentFilterForm, IncidentForm, OutcomeForm
from kalantar.incidents.models import Incident, PatrolUnit
from kalantar.incidents.selectors import response_times
from kalantar.org.selectors import UnitNotVisible, resolve_unit


def _incident(request: HttpRequest, number: str) -> Incident:
    return found_or_404(selectors.incident_for(request.user, number))


def _unit(request: HttpRequest):
    try:
        return resolve_unit(request.user, request.GET.get("unit") or None)
    except UnitNotVisible:
        raise Http404 from None


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
def incident_list(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    filters = IncidentFilterForm(request.GET)
    incidents = selectors.incident_list(request.user, unit, filters.filters())
    page = Paginator(incidents, 30).get_page(request.GET.get("page"))
    return render(request, "incidents/list.html", {"page": page, "unit": unit, "filters": filters})


@login_required
@permission_required("incidents.view_incident", raise_exception=True)
def incident_detail(request: HttpRequest, number: str) -> HttpResponse:
    incident = _incident(request, number)
    can_dispatch = request.user.has_perm("incidents.dispatch_incident")
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "dispatches": selectors.dispatches_of(incident),
            "recommendations": services.recommend_units(incident=incident, limit=5)
            if can_dispatch and incident.status not in selectors.FINISHED_STATUSES
            else [],
            "IncidentStatus": Incident.Status,
            "can_dispatch": can_dispatch,
            "outcome_form": OutcomeForm(),
        },
    )


@login_required
@permission_required("incidents.add_incident", raise_exception=True)
def incident_new(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = IncidentReport(
                source=data["source"],
                category=data["category"],
                priority=data["priority"],
                lon=data["lon"],
                lat=data["lat"],
                occurred_at=data["occurred_at"],
                narrative=data["narrative"] or "",
            )
            incident = services.open_incident(by=request.user, report=report)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, _("Incident %(number)s recorded.") % {"number": incident.number}
            )
            return redirect("incidents:detail", number=incident.number)
    return render(request, "incidents/new.html", {"form": form})


@login_required
@permission_required("incidents.dispatch_incident", raise_exception=True)
def board(request: HttpRequest) -> HttpResponse:
    """The dispatcher's board: open incidents by priority with the nearest units, and units."""
    unit = _unit(request)
    incidents = list(selectors.open_incidents(request.user, unit)[:50])
    rows = [
        (
            i,
            services.recommend_units(incident=i, limit=3)
            if i.status == Incident.Status.OPEN
            else [],
        )
        for i in incidents
    ]
    today = tehran_today()
    context = {
        "unit": unit,
        "rows": rows,
        "patrols": selectors.units_for(request.user, unit),
        "summary": selectors.unit_status_summary(request.user, unit),
        "dispatches": selectors.active_dispatches(request.user, unit),
        "response": response_times(
            user=request.user, unit=unit, start=today - timedelta(days=27), end=today
        ),
        "speed": services.patrol_speed_kmh(),
        "IncidentStatus": Incident.Status,
        "PatrolStatus": PatrolUnit.Status,
    }
    return render(request, "incidents/board.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(next_url(request, "incidents:board"))


def _run(request: HttpRequest, action, success: str):
    back = next_url(request, "incidents:board")  # checked before anything is written
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return HttpResponseRedirect(back)


@login_required
@permission_required("incidents.dispatch_incident", raise_exception=True)
@require_POST
def dispatch(request: HttpRequest, number: str) -> HttpResponse:
    incident = _incident(request, number)
    patrol = selectors.patrol_chosen(request.user, request.POST.get("unit"))
    if patrol is None:
        messages.error(request, _("Choose a patrol unit."))
        return _back(request)
    return _run(
        request,
        lambda: services.dispatch_unit(by=request.user, incident=incident, unit=patrol),
        _("Unit %(unit)s dispatched to %(number)s.") % {"unit": patrol.call_sign, "number": number},
    )


@login_required
@permission_required("incidents.dispatch_incident", raise_exception=True)
@require_POST
def on_scene(request: HttpRequest, pk: int) -> HttpResponse:
    item = found_or_404(selectors.dispatch_for(request.user, pk))
    return _run(
        request,
        lambda: services.mark_on_scene(by=request.user, dispatch=item),
        _("Unit %(unit)s is on scene.") % {"unit": item.unit.call_sign},
    )


@login_required
@permission_required("incidents.dispatch_incident", raise_exception=True)
@require_POST
def clear(request: HttpRequest, pk: int) -> HttpResponse:
    item = found_or_404(selectors.dispatch_for(request.user, pk))
    return _run(
        request,
        lambda: services.clear_dispatch(
            by=request.user, dispatch=item, outcome=request.POST.get("outcome", "")
        ),
        _("Unit %(unit)s is available again.") % {"unit": item.unit.call_sign},
    )


@login_required
@permission_required("incidents.change_incident", raise_exception=True)
@require_POST
def close(request: HttpRequest, number: str) -> HttpResponse:
    incident = _incident(request, number)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the outcome of the incident."))
        return _back(request)
    return _run(
        request,
        lambda: services.close_incident(
            by=request.user, incident=incident, outcome=form.cleaned_data["outcome"]
        ),
        _("Incident %(number)s closed.") % {"number": number},
    )


@login_required
@permission_required("incidents.change_patrolunit", raise_exception=True)
@require_POST
def unit_status(request: HttpRequest, pk: int) -> HttpResponse:
    patrol = found_or_404(selectors.patrol_for(request.user, pk))
    status = request.POST.get("status", "")
    return _run(
        request,
        lambda: services.set_unit_status(by=request.user, unit=patrol, status=status),
        _("Unit %(unit)s updated.") % {"unit": patrol.call_sign},
    )


@login_required
@permission_required(import_jobs.PERMISSIONS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of incidents; the import runs in the background and its page follows it."""
    return upload_job_page(
        request,
        start=import_jobs.start_import,
        kind=import_jobs.KIND,
        template="incidents/import.html",
        context={"columns": ", ".join(import_jobs.importer.REQUIRED)},
    )
