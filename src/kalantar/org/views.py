from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from kalantar.core.views import upload_job_page
from kalantar.org import import_jobs, selectors
from kalantar.org.models import Unit


@login_required
@permission_required("org.view_jurisdiction", raise_exception=True)
def map_page(request: HttpRequest) -> HttpResponse:
    return render(request, "org/map.html", {})


@login_required
@permission_required("org.view_unit", raise_exception=True)
def unit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    units = selectors.units_for(
        request.user, kind=kind if kind in Unit.Kind.values else None, search=query
    )
    page = Paginator(units, 25).get_page(request.GET.get("page"))
    context = {"page": page, "q": query, "kind": kind, "kinds": Unit.Kind.choices}
    template = "org/_unit_rows.html" if request.htmx else "org/unit_list.html"
    return render(request, template, context)


@login_required
@permission_required("org.view_unit", raise_exception=True)
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_for(request.user, code)
    if unit is None:
        raise Http404
    context = {
        "unit": unit,
        "ancestors": unit.ancestors(),
        "children": selectors.children_of(request.user, unit),
        "summary": selectors.unit_summary(unit),
        "jurisdiction": selectors.jurisdiction_of(unit),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
@permission_required(import_jobs.PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def jurisdiction_import(request: HttpRequest) -> HttpResponse:
    """Upload a GeoJSON file of stations; the import runs in the background and its page
    follows it."""
    return upload_job_page(
        request,
        start=import_jobs.start_import,
        kind=import_jobs.KIND,
        template="org/jurisdiction_import.html",
    )
