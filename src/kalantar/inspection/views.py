"""The inspector's case desk, the case page with its workflow, and the early-intervention
reviews; thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kalantar.core.forms import apply_service_errors
from kalantar.core.scoping import found_or_404
from kalantar.core.uploads import read_uploads
from kalantar.inspection import forms, indicators, selectors, services
from kalantar.inspection.drafts import CaseReport
from kalantar.org.selectors import active_stations_within
from kalantar.people.scoping import inspection_root
from kalantar.people.selectors import active_officers_within

VIEW = "inspection.view_case"
WORK = "inspection.change_case"


@never_cache
@login_required
@permission_required(VIEW, raise_exception=True)
def desk(request: HttpRequest) -> HttpResponse:
    form = forms.DeskFilterForm(request.GET or None)
    page = selectors.desk(request.user, form.filters(), request.GET.get("page"))
    return render(request, "inspection/desk.html", {"form": form, "page": page})


def _open_form(request, data=None):
    root = inspection_root(request.user)
    if root is None:
        root = "/-/"  # no unit: no stations, no officers
    return forms.OpenCaseForm(
        data,
        stations=active_stations_within(root),
        officers=active_officers_within(root),
    )


@never_cache
@login_required
@permission_required(WORK, raise_exception=True)
def open_case(request: HttpRequest) -> HttpResponse:
    form = _open_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                by=request.user, report=CaseReport(source_kind="inspector", **form.cleaned_data)
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Case %(n)s opened.") % {"n": case.pk})
            return redirect(case)
    status = 400 if form.is_bound else 200
    return render(request, "inspection/open.html", {"form": form}, status=status)


def _render_case(request, case, status: int = 200, **forms_given) -> HttpResponse:
    record = selectors.case_record(request.user, case)
    context = {
        "case": case,
        "events": record.events,
        "interviews": record.interviews,
        "documents": record.documents,
        "history": record.history,
        "footage": record.footage,
        "step_form": forms_given.get("step_form") or forms.StepForm(),
        "interview_form": forms_given.get("interview_form") or forms.InterviewForm(),
        "document_form": forms_given.get("document_form") or forms.DocumentForm(),
        "footage_form": forms_given.get("footage_form")
        or forms.FootageForm(items=services.footage_candidates(case)),
    }
    return render(request, "inspection/case.html", context, status=status)


@never_cache
@login_required
@permission_required(VIEW, raise_exception=True)
def case(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(selectors.case_for(request.user, pk))
    services.read_case(by=request.user, case=found)
    return _render_case(request, found)


@require_POST
@login_required
@permission_required(WORK, raise_exception=True)
def case_step(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(selectors.case_for(request.user, pk))
    form = forms.StepForm(request.POST)
    if form.is_valid():
        try:
            services.take_step(by=request.user, case=found, step=services.Step(**form.cleaned_data))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The case moved on."))
            return redirect(found)
    return _render_case(request, found, status=400, step_form=form)


@require_POST
@login_required
@permission_required(WORK, raise_exception=True)
def case_interview(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(selectors.case_for(request.user, pk))
    form = forms.InterviewForm(request.POST)
    if form.is_valid():
        try:
            services.add_interview(by=request.user, case=found, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect(found)
    return _render_case(request, found, status=400, interview_form=form)


@require_POST
@login_required
@permission_required(WORK, raise_exception=True)
def case_document(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(selectors.case_for(request.user, pk))
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            upload = read_uploads([form.cleaned_data["file"]])[0]
            services.attach_document(by=request.user, case=found, upload=upload)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect(found)
    return _render_case(request, found, status=400, document_form=form)


@require_POST
@login_required
@permission_required(WORK, raise_exception=True)
def case_footage(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(selectors.case_for(request.user, pk))
    form = forms.FootageForm(request.POST, items=services.footage_candidates(found))
    if form.is_valid():
        try:
            services.link_footage(by=request.user, case=found, item=form.cleaned_data["item"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect(found)
    return _render_case(request, found, status=400, footage_form=form)


# --- Early-intervention reviews ---------------------------------------------------------------


@never_cache
@login_required
@permission_required("inspection.view_review", raise_exception=True)
def reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "inspection/reviews.html",
        {
            "reviews": selectors.reviews_for(request.user)[:200],
            "definitions": indicators.INDICATORS,
        },
    )


def _labelled(review) -> list[dict]:
    return [
        {
            **row,
            "label": indicators.BY_CODE[row["code"]].label,
            "definition": indicators.BY_CODE[row["code"]].definition,
        }
        for row in review.figures
        if row["code"] in indicators.BY_CODE
    ]


@never_cache
@login_required
@permission_required("inspection.view_review", raise_exception=True)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(selectors.review_for(request.user, pk))
    form = forms.ReviewOutcomeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.record_review_outcome(by=request.user, review=found, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The review's outcome is recorded."))
                return redirect(found)
    context = {"review": found, "figures": _labelled(found), "form": form}
    return render(request, "inspection/review.html", context, status=status)
