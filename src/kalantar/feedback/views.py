"""The 197 desk, the public form, the survey, the dashboard and the report card; thin."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kalantar.core import limits
from kalantar.core.forms import apply_service_errors
from kalantar.core.persian import to_latin_digits
from kalantar.core.scoping import found_or_404
from kalantar.core.site import site_url
from kalantar.feedback import forms, perception, selectors, services
from kalantar.feedback.models import FeedbackMessage
from kalantar.org import selectors as org_selectors
from kalantar.org.models import Unit

OPERATE = "feedback.add_feedbackmessage"
VIEW = "feedback.view_feedbackmessage"


def _intake(form: forms.IntakeForm, channel: str) -> services.Intake:
    data = form.cleaned_data
    return services.Intake(
        text=data["text"],
        channel=channel,
        unit=data.get("unit"),
        lat=data.get("lat"),
        lon=data.get("lon"),
        officer=data.get("officer"),
        caller_name=data.get("caller_name", ""),
        caller_mobile=data.get("caller_mobile", ""),
        caller_national_code=data.get("caller_national_code", ""),
    )


@login_required
@permission_required(OPERATE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest) -> HttpResponse:
    stations = selectors.stations_for(request.user)
    form = forms.DeskForm(request.POST or None, stations=stations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                message = services.record_message(
                    by=request.user, intake=_intake(form, form.cleaned_data["channel"])
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                flash.success(request, _("Message %(n)s recorded.") % {"n": message})
                return redirect("feedback:message", pk=message.pk)
        status = 400
    context = {
        "form": form,
        "to_classify": selectors.to_classify(request.user)[:20],
        "overdue": selectors.overdue_callbacks(request.user)[:20],
        "overdue_count": selectors.overdue_callback_count(request.user),
        "recent": selectors.confirmed_messages(request.user)[:20],
    }
    return render(request, "feedback/desk.html", context, status=status)


def _message_page(request, message, *, status=200, **forms_given) -> HttpResponse:
    context = {
        "message": message,
        "confirm_form": forms_given.get("confirm")
        or forms.ConfirmForm(
            initial={"msg_class": message.suggested_class, "topic": message.suggested_topic}
        ),
        "close_form": forms_given.get("close") or forms.CloseForm(),
        "callback_form": forms_given.get("callback") or forms.CallbackForm(),
        "can_operate": request.user.has_perm(OPERATE),
    }
    return render(request, "feedback/message.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def message(request: HttpRequest, pk: int) -> HttpResponse:
    return _message_page(request, found_or_404(selectors.message_for(request.user, pk)))


def _act(request, pk, form_class, key, act) -> HttpResponse:
    found = found_or_404(selectors.message_for(request.user, pk))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(found, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("feedback:message", pk=pk)
    return _message_page(request, found, status=400, **{key: form})


@login_required
@permission_required(OPERATE, raise_exception=True)
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.ConfirmForm,
        "confirm",
        lambda m, d: services.confirm_message(by=request.user, message=m, **d),
    )


@login_required
@permission_required(OPERATE, raise_exception=True)
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.CloseForm,
        "close",
        lambda m, d: services.close_message(by=request.user, message=m, **d),
    )


@login_required
@permission_required(OPERATE, raise_exception=True)
@require_POST
def callback(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.CallbackForm,
        "callback",
        lambda m, d: services.record_callback(by=request.user, message=m, **d),
    )


def _station_filter(request: HttpRequest) -> tuple[Unit | None, object]:
    """The station picked in the page's filter, among those the user may see."""
    stations = selectors.stations_for(request.user)
    code = request.GET.get("station", "")
    return (stations.filter(code=code).first() if code else None), stations


@login_required
@permission_required(VIEW, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    unit, stations = _station_filter(request)
    context = {"d": selectors.dashboard(request.user, unit), "unit": unit, "stations": stations}
    return render(request, "feedback/dashboard.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def report_card(request: HttpRequest) -> HttpResponse:
    year, quarter = selectors.current_quarter()
    try:
        year = int(request.GET.get("year", year))
        quarter = int(request.GET.get("quarter", quarter))
        start, end = selectors.quarter_bounds(year, quarter)
    except ValueError:
        year, quarter = selectors.current_quarter()
        start, end = selectors.quarter_bounds(year, quarter)
    unit, stations = _station_filter(request)
    card = selectors.report_card(request.user, start=start, end=end, unit=unit)
    context = {
        "card": card,
        "year": year,
        "quarter": quarter,
        "start": start,
        "end": end,
        "unit": unit,
        "stations": stations,
    }
    return render(request, "feedback/report_card.html", context)


# --- Citizens' pages ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def public_form(request: HttpRequest) -> HttpResponse:
    """The 197 form on the citizens' side, limited like the portal's complaint form."""
    stations = org_selectors.all_stations()
    form = forms.IntakeForm(request.POST or None, stations=stations)
    if request.method == "POST":
        if limits.count(request, group="feedback.public", rate=settings.ONLINE_FILING_RATE):
            return render(
                request, "feedback/public.html", {"form": form, "limited": True}, status=429
            )
        if form.is_valid():
            try:
                message = services.record_message(
                    by=None, intake=_intake(form, FeedbackMessage.Channel.WEB)
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                return render(request, "feedback/public_done.html", {"message": message})
        return render(request, "feedback/public.html", {"form": form}, status=400)
    return render(request, "feedback/public.html", {"form": form})


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.survey_link_by_token(token)
    if link is None:
        return render(
            request,
            "feedback/survey_done.html",
            {"refused": _("This survey link is not valid.")},
            status=404,
        )
    if link.used_at is not None and request.method == "GET":
        return render(
            request,
            "feedback/survey_done.html",
            {"refused": _("This survey has already been answered with this link. Thank you.")},
            status=410,
        )
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST":
        try:
            services.answer_survey(
                token=token, form_token=request.POST.get("link", ""), values=request.POST.dict()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
            return render(
                request, "feedback/survey.html", {"form": form, "token": token}, status=400
            )
        return render(request, "feedback/survey_done.html", {})
    return render(request, "feedback/survey.html", {"form": form, "token": token})


# --- The feeling of security ----------------------------------------------------------------------


@login_required
@permission_required(VIEW, raise_exception=True)
@require_http_methods(["GET", "POST"])
def neighbourhoods(request: HttpRequest) -> HttpResponse:
    units = org_selectors.units_for(request.user)  # in tree order
    form = forms.NeighbourhoodSurveyForm(request.POST or None, units=units)
    if request.method == "POST" and request.user.has_perm(OPERATE) and form.is_valid():
        try:
            survey = services.create_neighbourhood_survey(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return redirect("feedback:neighbourhood", pk=survey.pk)
    context = {
        "form": form,
        "surveys": selectors.neighbourhood_surveys(request.user),
        "can_operate": request.user.has_perm(OPERATE),
    }
    return render(request, "feedback/neighbourhoods.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def neighbourhood(request: HttpRequest, pk: int) -> HttpResponse:
    survey = found_or_404(selectors.neighbourhood_survey_for(request.user, pk))
    cells, overall = selectors.neighbourhood_results(request.user, survey)
    context = {
        "survey": survey,
        "cells": cells,
        "overall": overall,
        "gap_map": selectors.gap_map(cells),
        "min_count": perception.MIN_COUNT,
        "link": site_url(request) + reverse("feedback:safety", args=[survey.token]),
    }
    return render(request, "feedback/neighbourhood.html", context)


def _survey_limited(request: HttpRequest) -> bool:
    """Count this answer: a volunteer at the door by account, anyone else by address."""
    if request.user.is_authenticated:
        rate, key = settings.NEIGHBOURHOOD_SURVEY_DOOR_RATE, "user"
    else:
        rate, key = settings.NEIGHBOURHOOD_SURVEY_RATE, limits.BY_ADDRESS
    return limits.count(request, group="feedback.neighbourhood", rate=rate, key=key)


@require_http_methods(["GET", "POST"])
def safety(request: HttpRequest, token: str) -> HttpResponse:
    """A resident answers a neighbourhood survey (by link or QR, or a volunteer at the door)."""
    survey = selectors.neighbourhood_survey_by_token(token)
    if survey is None:
        refused = _("This survey link is not valid.")
        return render(request, "feedback/survey_done.html", {"refused": refused}, status=404)
    form = forms.NeighbourhoodAnswerForm(request.POST or None, questions=survey.questions)
    if request.method == "POST" and _survey_limited(request):
        context = {"form": form, "survey": survey, "limited": True}
        return render(request, "feedback/safety.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_neighbourhood_survey(
                survey=survey,
                lat=to_latin_digits(form.cleaned_data["lat"]) or None,
                lon=to_latin_digits(form.cleaned_data["lon"]) or None,
                values=form.cleaned_data,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return render(request, "feedback/survey_done.html", {})
    status = 400 if request.method == "POST" else 200
    return render(request, "feedback/safety.html", {"form": form, "survey": survey}, status=status)
