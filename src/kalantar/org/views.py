from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kalantar.core.uploads import read_uploads
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
    ).select_related("parent")
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
        "children": selectors.units_for(request.user).filter(parent=unit),
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
    error = ""
    if request.method == "POST":
        uploads = read_uploads(request.FILES.getlist("file"))
        try:
            job = import_jobs.start_import(by=request.user, upload=uploads[0] if uploads else None)
        except ValidationError as invalid:
            error = invalid.messages[0]
        else:
            return redirect(job)
    context = {
        "error": error,
        "limit": import_jobs.jobs.import_limit_text(),
        "recent": import_jobs.jobs.started_by(request.user, kind=import_jobs.KIND, limit=5),
    }
    return render(request, "org/jurisdiction_import.html", context, status=400 if error else 200)
