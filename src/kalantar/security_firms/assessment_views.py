"""Institutions' pages: their licence, annual assessments against the published indicators,
and sanctions with their history. Thin: the forms parse, `assessments` decides."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kalantar.core.forms import apply_service_errors
from kalantar.security_firms import assessments, forms, selectors
from kalantar.security_firms.models import Assessment, Institution

REGISTER = "security_firms.register_security"
VIEW_INSTITUTIONS = "security_firms.view_institution"


@require_GET
def indicators(request: HttpRequest) -> HttpResponse:
    """The published standard: anyone may read what institutions are assessed against."""
    shown = selectors.published_indicators()
    return render(request, "security_firms/indicators.html", {"indicators": shown})


@login_required
@permission_required(VIEW_INSTITUTIONS, raise_exception=True)
def institutions(request: HttpRequest) -> HttpResponse:
    year = assessments.current_year()
    context = {
        "institutions": selectors.institutions_in_order(request.user)[:300],
        "due": selectors.due_for_assessment(request.user, year)[:300],
        "year": year,
    }
    return render(request, "security_firms/institutions.html", context)


def _institution_page(request, institution: Institution, status: int = 200, **bound):
    context = {
        "institution": institution,
        "assessments": selectors.assessments_of(institution),
        "sanctions": selectors.sanctions_of(institution),
        "assessment_form": bound.get("assessment_form")
        or forms.AssessmentForm(initial={"year": assessments.current_year()}),
        "sanction_form": bound.get("sanction_form") or forms.SanctionForm(),
        "lift_form": bound.get("lift_form") or forms.LiftForm(),
    }
    return render(request, "security_firms/institution.html", context, status=status)


@login_required
@permission_required(VIEW_INSTITUTIONS, raise_exception=True)
def institution(request: HttpRequest, pk: int) -> HttpResponse:
    return _institution_page(request, selectors.institution_for(request.user, pk))


@login_required
@permission_required(REGISTER, raise_exception=True)
@require_POST
def open_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.institution_for(request.user, pk)
    form = forms.AssessmentForm(request.POST)
    if form.is_valid():
        try:
            opened = assessments.open_assessment(
                by=request.user, institution=found, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The assessment is open: record the findings."))
            return redirect("security_firms:assessment", pk=opened.pk)
    return _institution_page(request, found, 400, assessment_form=form)


@login_required
@permission_required(REGISTER, raise_exception=True)
@require_POST
def impose_sanction(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.institution_for(request.user, pk)
    form = forms.SanctionForm(request.POST)
    if form.is_valid():
        try:
            assessments.impose_sanction(by=request.user, institution=found, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The sanction is recorded."))
            return redirect("security_firms:institution", pk=found.pk)
    return _institution_page(request, found, 400, sanction_form=form)


@login_required
@permission_required(REGISTER, raise_exception=True)
@require_POST
def lift_sanction(request: HttpRequest, pk: int) -> HttpResponse:
    sanction = selectors.sanction_for(request.user, pk)
    form = forms.LiftForm(request.POST)
    if form.is_valid():
        try:
            assessments.lift_suspension(by=request.user, sanction=sanction, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The suspension is lifted."))
            return redirect("security_firms:institution", pk=sanction.institution_id)
    return _institution_page(request, sanction.institution, 400, lift_form=form)


def _assessment_page(request, assessment: Assessment, status: int = 200, **bound):
    context = {
        "assessment": assessment,
        "institution": assessment.institution,
        "findings": selectors.findings_of(assessment),
        "score": assessments.score_of(assessment),
        "finding_form": bound.get("finding_form") or forms.FindingForm(),
        "decision_form": bound.get("decision_form") or forms.DecisionForm(),
    }
    return render(request, "security_firms/assessment.html", context, status=status)


@login_required
@permission_required(VIEW_INSTITUTIONS, raise_exception=True)
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.assessment_for(request.user, pk)
    if request.method != "POST":
        return _assessment_page(request, found)
    if not request.user.has_perm(REGISTER):
        raise PermissionDenied
    if request.POST.get("action") == "decide":
        form, step, name = forms.DecisionForm(request.POST), assessments.decide, "decision_form"
    else:
        form, step, name = (
            forms.FindingForm(request.POST),
            assessments.record_finding,
            "finding_form",
        )
    if form.is_valid():
        try:
            step(by=request.user, assessment=found, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The assessment is updated."))
            return redirect("security_firms:assessment", pk=found.pk)
    return _assessment_page(request, found, 400, **{name: form})
