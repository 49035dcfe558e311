from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalantar.complaints import selectors, services, workflow
from kalantar.complaints.forms import DeskComplaintForm, StatusForm
from kalantar.complaints.models import Complaint
from kalantar.complaints.receipt_page import receipt_context
from kalantar.core.forms import apply_service_errors
from kalantar.core.persian import digits
from kalantar.core.redirects import next_url
from kalantar.core.scoping import can_see_unit
from kalantar.core.uploads import read_uploads
from kalantar.core.validators import is_valid_national_code, normalize_mobile


def _complaint_or_404(request: HttpRequest, code: str) -> Complaint:
    complaint = selectors.detail(request.user, code)
    if complaint is None:
        raise Http404
    return complaint


@login_required
@permission_required("complaints.add_complaint", raise_exception=True)
def desk_new(request: HttpRequest) -> HttpResponse:
    stations = selectors.desk_stations(request.user)
    form = DeskComplaintForm(request.POST or None, request.FILES or None, stations=stations)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.file_complaint(
                by=request.user,
                channel=Complaint.Channel.DESK,
                draft=form.draft(),
                attachments=read_uploads(form.cleaned_data["attachments"]),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Complaint registered. The receipt is ready to print."))
            url = reverse("complaints:receipt", args=[complaint.tracking_code])
            return redirect(f"{url}?autoprint=1")
    elif form.is_bound:
        form.report_every_error(by=request.user)
    categories = selectors.active_categories()
    return render(
        request,
        "complaints/new.html",
        {
            "form": form,
            "anonymous_categories": [c.pk for c in categories if c.anonymous_allowed],
        },
    )


@login_required
@permission_required("complaints.view_complaint", raise_exception=True)
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    complaint = selectors.receipt_for(request.user, code)
    if complaint is None:
        raise Http404
    context = receipt_context(complaint, request.GET.get("layout", "a5"), request)
    # A complaint routed away from the desk that took it prints here but opens elsewhere.
    if can_see_unit(request.user, complaint.unit):
        context["back_url"] = reverse("complaints:detail", args=[code])
    else:
        context["back_url"] = reverse("complaints:new")
    context["autoprint"] = request.GET.get("autoprint") == "1"
    return render(request, "complaints/receipt.html", context)


def _filters(request: HttpRequest) -> selectors.QueueFilters:
    get = request.GET
    return selectors.QueueFilters(
        status=get.get("status", workflow.ALL_OPEN),
        category=get.get("category", ""),
        officer=get.get("officer", ""),
        overdue=get.get("overdue") == "1",
        q=get.get("q", "").strip(),
        unit=get.get("unit", ""),
    )


@login_required
@permission_required("complaints.view_complaint", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    refused = ""
    try:
        complaints = selectors.queue(request.user, filters)
    except selectors.IdentitySearchRefused as error:
        refused = str(error)
        complaints = selectors.no_complaints()
    page = selectors.queue_page(complaints, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "refused": refused,
        "filters": filters,
        "query": query.urlencode(),
        "statuses": workflow.STATUS_CHOICES,
        "all_open": workflow.ALL_OPEN,
        "categories": selectors.active_categories(),
        "officers": selectors.officers_for(request.user),
        "can_assign": request.user.has_perm("complaints.assign_complaint"),
    }
    template = "complaints/_queue_rows.html" if request.htmx else "complaints/queue.html"
    return render(request, template, context)


@login_required
@require_POST
@permission_required("complaints.assign_complaint", raise_exception=True)
def assign(request: HttpRequest) -> HttpResponse:
    back = next_url(request, "complaints:queue")  # checked before anything is written
    codes = request.POST.getlist("codes")
    officer = selectors.officer_for(request.user, request.POST.get("officer", ""))
    complaints = selectors.complaints_with_codes(request.user, codes)
    if not complaints:
        messages.error(request, _("Choose at least one complaint."))
    else:
        try:
            n = services.assign_complaints(by=request.user, complaints=complaints, officer=officer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)s complaints assigned.") % {"n": digits(n)})
    return HttpResponseRedirect(back)


@login_required
@permission_required("complaints.view_complaint", raise_exception=True)
def detail(request: HttpRequest, code: str) -> HttpResponse:
    complaint = services.complaint_read(by=request.user, code=code)
    if complaint is None:
        raise Http404
    # "Assigned" comes from giving the complaint to an officer (the card beside), not alone.
    choices = [
        (s, workflow.status_label(s))
        for s in workflow.next_statuses(complaint.status)
        if s != workflow.ASSIGNED or complaint.assigned_to_id is not None
    ]
    context = {
        "complaint": complaint,
        "events": selectors.timeline(complaint),
        "attachments": selectors.attachments_of(complaint),
        "status_form": StatusForm(choices=choices) if choices else None,
        "officers": selectors.officers_for(request.user),
        "can_assign": request.user.has_perm("complaints.assign_complaint"),
        "can_change": request.user.has_perm("complaints.change_complaint"),
        "citizen_text": workflow.CITIZEN_TEXT.get(complaint.status, ""),
    }
    return render(request, "complaints/detail.html", context)


@login_required
@require_POST
@permission_required("complaints.change_complaint", raise_exception=True)
def change_status(request: HttpRequest, code: str) -> HttpResponse:
    complaint = _complaint_or_404(request, code)
    choices = [(s, s) for s in workflow.TRANSITIONS]
    form = StatusForm(request.POST, choices=choices)
    if form.is_valid():
        try:
            services.change_status(
                by=request.user,
                complaint=complaint,
                to_status=form.cleaned_data["to_status"],
                note=form.cleaned_data["note"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Status changed."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("complaints:detail", code=code)


@login_required
@permission_required("complaints.view_complaint", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    board = selectors.dashboard(request.user)
    return render(
        request, "complaints/dashboard.html", {"board": board, "statuses": workflow.STATUS_CHOICES}
    )


@login_required
@permission_required("complaints.add_complaint", raise_exception=True)
def complainant_lookup(request: HttpRequest) -> JsonResponse:
    """A returning complainant's details by national code, for the desk form."""
    found = services.complainant_lookup(
        by=request.user, national_code=request.GET.get("national_code", "")
    )
    if found is None:
        return JsonResponse({"found": False})
    return JsonResponse({"found": True, **dataclasses.asdict(found)})


@login_required
def validate_field(request: HttpRequest, field: str) -> HttpResponse:
    """Validation as the officer types: one field's message, or nothing when it is fine."""
    value = request.GET.get(field, "").strip()
    message = ""
    if value and field == "national_code" and not is_valid_national_code(value):
        message = _("Enter a valid national code.")
    elif value and field == "mobile":
        try:
            normalize_mobile(value)
        except ValueError:
            message = _("Enter a valid mobile number, such as 09121234567.")
    return HttpResponse(message)
