from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalantar.complaints import selectors, services, workflow
from kalantar.complaints.forms import ComplaintForm, DeskComplaintForm, StatusForm
from kalantar.complaints.identity import may_see_identity
from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.receipt_page import receipt_context
from kalantar.core import audit
from kalantar.core.persian import digits
from kalantar.core.redirects import next_url
from kalantar.core.scoping import can_see_unit
from kalantar.core.uploads import read_uploads
from kalantar.core.validators import is_valid_national_code, normalize_mobile
from kalantar.org.models import Unit


def _form_field(form, field: str) -> str | None:
    """The form field a service's error is shown by: the place's under the map (its point),
    fields the form does not have as form-wide errors."""
    name = "lat" if field == "location" else field
    return name if name in form.fields else None


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's field errors on the form (unknown fields as form-wide errors)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(_form_field(form, field), errors)


def report_every_error(form: ComplaintForm, *, by) -> None:
    """Once the form's own checks have failed, add the service's checks of what it could read.

    Without this the name, the national code and the place, which only the service checks,
    were reported in a second round, after everything else had been corrected.
    """
    for field, errors in services.filing_errors(by=by, **form.readable_fields()).items():
        name = _form_field(form, field)
        if (name or NON_FIELD_ERRORS) not in form.errors:
            form.add_error(name, errors)


def _complaint_or_404(request: HttpRequest, code: str) -> Complaint:
    complaint = selectors.detail(request.user, code)
    if complaint is None:
        raise Http404
    return complaint


@login_required
@permission_required("complaints.add_complaint", raise_exception=True)
def desk_new(request: HttpRequest) -> HttpResponse:
    stations = Unit.objects.visible_to(request.user).stations().order_by("path")
    form = DeskComplaintForm(request.POST or None, request.FILES or None, stations=stations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.file_complaint(
                by=request.user,
                channel=Complaint.Channel.DESK,
                category=data["category"],
                incident_at=data["incident_at"],
                summary=data["summary"],
                narrative=data["narrative"],
                lat=data["lat"],
                lon=data["lon"],
                location_text=data["location_text"],
                complainant_name=data["complainant_name"],
                national_code=data["national_code"],
                mobile=data["mobile"],
                complainant_address=data["complainant_address"],
                is_anonymous=data["is_anonymous"],
                accused_officer=data["accused_officer"],
                station=data["station"],
                override_reason=data["override_reason"],
                attachments=read_uploads(data["attachments"]),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Complaint registered. The receipt is ready to print."))
            url = reverse("complaints:receipt", args=[complaint.tracking_code])
            return redirect(f"{url}?autoprint=1")
    elif form.is_bound:
        report_every_error(form, by=request.user)
    categories = Category.objects.filter(is_active=True)
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


class CappedPaginator(Paginator):
    """Counts at most CAP rows: an exact count of a province's 100,000 complaints (or of
    every match of a common word) would cost more than the page itself."""

    CAP = 1000

    @cached_property
    def count(self) -> int:
        n = self.object_list.order_by()[: self.CAP + 1].count()
        self.capped = n > self.CAP
        return min(n, self.CAP)


def _filters(request: HttpRequest) -> selectors.QueueFilters:
    get = request.GET
    return selectors.QueueFilters(
        status=get.get("status", "open"),
        category=get.get("category", ""),
        officer=get.get("officer", ""),
        overdue=get.get("overdue") == "1",
        q=get.get("q", "").strip(),
        unit=get.get("unit", ""),
    )


QUEUE_PAGE_SIZE = 25


def _queue_page(complaints: QuerySet[Complaint], number: str | None) -> Page:
    """One page of the queue: its ids first, then those rows with their related objects.

    Ordering and skipping a province's matches by their ids alone reads the narrow indexes;
    doing it with whole rows and their joins read (and on SQLite sorted) every wide row that
    matched, several times slower with 100,000 complaints.
    """
    paginator = CappedPaginator(complaints.values_list("pk", flat=True), QUEUE_PAGE_SIZE)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    rows = complaints.filter(pk__in=ids).in_bulk()
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


@login_required
@permission_required("complaints.view_complaint", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    refused = ""
    try:
        complaints = selectors.queue(request.user, filters)
    except selectors.IdentitySearchRefused as error:
        refused = str(error)
        complaints = selectors.complaints_for(request.user).none()
    page = _queue_page(complaints, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "refused": refused,
        "filters": filters,
        "query": query.urlencode(),
        "statuses": workflow.STATUS_CHOICES,
        "categories": Category.objects.filter(is_active=True),
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
    officer = (
        selectors.officers_for(request.user)
        .filter(username=request.POST.get("officer", ""))
        .first()
    )
    complaints = list(selectors.complaints_for(request.user).filter(tracking_code__in=codes))
    if not complaints:
        messages.error(request, _("Choose at least one complaint."))
    else:
        try:
            n = services.assign(by=request.user, complaints=complaints, officer=officer)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)s complaints assigned.") % {"n": digits(n)})
    return HttpResponseRedirect(back)


@login_required
@permission_required("complaints.view_complaint", raise_exception=True)
def detail(request: HttpRequest, code: str) -> HttpResponse:
    complaint = _complaint_or_404(request, code)
    with transaction.atomic():
        # Reading a complaint shows a citizen's personal data: a sensitive read.
        audit.record("complaints.read", actor=request.user, obj=complaint)
    # "Assigned" comes from giving the complaint to an officer (the card beside), not alone.
    choices = [
        (s, workflow.status_label(s))
        for s in workflow.next_statuses(complaint.status)
        if s != workflow.ASSIGNED or complaint.assigned_to_id is not None
    ]
    context = {
        "complaint": complaint,
        "events": complaint.events.select_related("actor"),
        "attachments": complaint.attachments.all(),
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
    code = request.GET.get("national_code", "")
    if not may_see_identity(request.user) or not is_valid_national_code(code):
        return JsonResponse({"found": False})
    previous = selectors.last_complaint_of(request.user, code)
    if previous is None:
        return JsonResponse({"found": False})
    with transaction.atomic():
        audit.record("complaints.complainant_lookup", actor=request.user, obj=previous)
    return JsonResponse(
        {
            "found": True,
            "complainant_name": previous.complainant_name,
            "mobile": previous.mobile,
            "complainant_address": previous.complainant_address,
            "complaints": selectors.complaints_for(request.user)
            .filter(national_code=previous.national_code)
            .count(),
        }
    )


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
