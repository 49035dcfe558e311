"""The programme's pages: the framework editor, enrolment, the station's self-assessment,
the progress pages and station report, the figures' records, the inspectors' assessment
and the anonymous survey. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalantar.core.forms import apply_service_errors
from kalantar.core.periods import parse_month
from kalantar.core.scoping import found_or_404
from kalantar.core.uploads import read_uploads
from kalantar.org.models import Unit
from kalantar.org.selectors import units_with_ids
from kalantar.people.selectors import active_members_of
from kalantar.transformation import forms, indicators, selectors, services, survey
from kalantar.transformation.models import Characteristic, ProgrammeYear, Tier
from kalantar.transformation.scope import may_assess
from kalantar.transformation.templatetags.transformation import localized_text

# --- The framework -----------------------------------------------------------------------------


def _year(request: HttpRequest) -> ProgrammeYear:
    raw = request.GET.get("year") or request.POST.get("year_of_page")
    year = selectors.year_or_current(int(raw) if raw and raw.isdigit() else None)
    return found_or_404(year)


@login_required
@permission_required("transformation.view_progress", raise_exception=True)
def framework(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return _render_framework(request, year)


def _render_framework(request, year, *, status=200, **bound) -> HttpResponse:
    context = {
        "year": year,
        "years": selectors.programme_years(),
        "areas": selectors.framework(year),
        "may_edit": request.user.has_perm("transformation.edit_framework"),
        "area_form": bound.get("area_form") or forms.AreaForm(),
        "question_form": forms.QuestionForm(),
        "characteristic_form": forms.CharacteristicForm(),
        "copy_form": bound.get("copy_form") or forms.CopyYearForm(initial={"year": year.year + 1}),
        "indicators": {i.code: i for i in indicators.all_indicators()},
    }
    return render(request, "transformation/framework.html", context, status=status)


@login_required
@permission_required("transformation.edit_framework", raise_exception=True)
@require_POST
def framework_add(request: HttpRequest, kind: str) -> HttpResponse:
    year = _year(request)
    form_class = {
        "area": forms.AreaForm,
        "question": forms.QuestionForm,
        "characteristic": forms.CharacteristicForm,
    }.get(kind)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("The entry was not added: fill in the Persian text."))
        return redirect(f"{_framework_url()}?year={year.year}")
    parent = request.POST.get("parent", "")
    try:
        if kind == "area":
            services.add_area(by=request.user, year=year, **form.cleaned_data)
        elif kind == "question":
            area = found_or_404(selectors.framework_entry(year, "area", parent))
            services.add_question(by=request.user, area=area, **form.cleaned_data)
        else:
            question = found_or_404(selectors.framework_entry(year, "question", parent))
            services.add_characteristic(by=request.user, question=question, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{_framework_url()}?year={year.year}")


@login_required
@permission_required("transformation.edit_framework", raise_exception=True)
@require_POST
def framework_change(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    """Edit, move up or down, or delete one entry of the year's framework."""
    year = _year(request)
    if action not in ("edit", "up", "down", "delete"):
        raise Http404
    entry = found_or_404(selectors.framework_entry(year, kind, pk))
    try:
        _change_entry(request, entry, action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{_framework_url()}?year={year.year}#{kind}-{entry.pk}")


def _change_entry(request: HttpRequest, entry, action: str) -> None:
    if action in ("up", "down"):
        services.move_entry(by=request.user, entry=entry, up=action == "up")
    elif action == "delete":
        services.delete_entry(by=request.user, entry=entry)
        messages.success(request, _("The entry was deleted."))
    else:
        form = forms.EntryForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("The entry was not changed: fill in the Persian text."))
        codes = form.cleaned_data["codes"] if isinstance(entry, Characteristic) else None
        services.edit_entry(
            by=request.user,
            entry=entry,
            text=form.cleaned_data["text"],
            text_en=form.cleaned_data["text_en"],
            codes=codes,
        )
        messages.success(request, _("The entry was saved."))


def _framework_url() -> str:
    return reverse("transformation:framework")


@login_required
@permission_required("transformation.edit_framework", raise_exception=True)
@require_POST
def framework_copy(request: HttpRequest) -> HttpResponse:
    source = _year(request)
    form = forms.CopyYearForm(request.POST)
    if form.is_valid():
        try:
            target = services.copy_year(by=request.user, source=source, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The framework was copied to the new year."))
            return redirect(f"{_framework_url()}?year={target.year}")
    return _render_framework(request, source, status=400, copy_form=form)


# --- Enrolment ---------------------------------------------------------------------------------


def _station_choices(user) -> list[tuple[int, str]]:
    return [(u.pk, u.name) for u in selectors.stations_to_enrol(user)]


@login_required
@permission_required("transformation.edit_framework", raise_exception=True)
def enrol(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    form = forms.EnrolForm(request.POST or None, stations=_station_choices(request.user))
    if request.method == "POST" and form.is_valid():
        wave = services.open_wave(
            by=request.user, year=year, starts_on=form.cleaned_data["starts_on"]
        )
        stations = units_with_ids(form.cleaned_data["stations"])
        added = services.enrol(by=request.user, wave=wave, stations=stations)
        messages.success(request, _("%(n)s stations enrolled.") % {"n": added})
        return redirect("transformation:progress")
    return render(
        request,
        "transformation/enrol.html",
        {"form": form, "year": year},
        status=400 if request.method == "POST" else 200,
    )


# --- Progress ----------------------------------------------------------------------------------


@login_required
@permission_required("transformation.view_progress", raise_exception=True)
def progress(request: HttpRequest, code: str | None = None) -> HttpResponse:
    year = _year(request)
    unit = found_or_404(selectors.visible_unit(request.user, code))
    if unit.is_station:
        return redirect("transformation:station", code=unit.code)
    # The figures are read only when the page is not in the cache already (the template
    # keeps it, rendered, per language until progress_stamp changes).
    context = {
        "year": year,
        "unit": unit,
        "stamp": selectors.progress_stamp(),
        "cache_seconds": selectors.PROGRESS_CACHE_SECONDS,
        "p": SimpleLazyObject(lambda: selectors.progress(year, unit)),
    }
    return render(request, "transformation/progress.html", context)


def _station_context(request, year, station) -> dict:
    enrolment = selectors.enrolment_of(year, station)
    figures = selectors.latest_figures(station)
    context = {
        "year": year,
        "unit": station,
        "enrolment": enrolment,
        "areas": selectors.framework(year),
        "figures": figures,
        "period": next(iter(figures.values())) if figures else None,
        "indicators": {i.code: i for i in indicators.all_indicators()},
        "trend": selectors.station_trend(station),
        "findings": selectors.open_findings(station, limit=None),
        "survey": selectors.survey_summary(station, year),
        "survey_min": survey.MIN_RESPONSES,
        "statements": survey.STATEMENTS,
    }
    if enrolment is not None:
        context["selfs"] = selectors.self_assessments(enrolment)
        context["assessment"] = selectors.latest_assessment(enrolment)
        context["may_assess"] = may_assess(request.user, station)
        context["may_self_assess"] = request.user.has_perm("transformation.self_assess")
    return context


@login_required
@permission_required("transformation.view_progress", raise_exception=True)
def station(request: HttpRequest, code: str) -> HttpResponse:
    year = _year(request)
    unit = found_or_404(selectors.station_for(request.user, code))
    return render(request, "transformation/station.html", _station_context(request, year, unit))


@login_required
@permission_required("transformation.view_progress", raise_exception=True)
def figure(request: HttpRequest, code: str, station_code: str, month: str) -> HttpResponse:
    indicator = found_or_404(indicators.get(code))
    unit = found_or_404(selectors.station_for(request.user, station_code))
    try:
        period = parse_month(month)
    except ValueError as error:
        raise Http404 from error
    records = found_or_404(selectors.figure_records(request.user, indicator, period, unit))
    context = {
        "indicator": indicator,
        "unit": unit,
        "period": period,
        "records": records,
        "shown": indicator.figure,
    }
    return render(request, "transformation/figure.html", context)


# --- Self-assessment ---------------------------------------------------------------------------


@login_required
@permission_required("transformation.self_assess", raise_exception=True)
def self_assessment(request: HttpRequest, code: str) -> HttpResponse:
    year = _year(request)
    unit = found_or_404(selectors.station_for(request.user, code))
    enrolment = found_or_404(selectors.enrolment_of(year, unit))
    status = 200
    error_for, form = None, None
    if request.method == "POST":
        form = forms.SelfAssessmentForm(request.POST)
        status, error_for = _save_self_assessment(request, year, enrolment, form)
        if status == 302:
            messages.success(request, _("The self-assessment was saved."))
            return redirect(f"{request.path}#c{error_for}")
    context = _station_context(request, year, unit)
    context.update(
        {"ratings": forms.SelfAssessment.Rating.choices, "error_for": error_for, "bad_form": form}
    )
    return render(request, "transformation/self_assessment.html", context, status=status)


def _save_self_assessment(request, year, enrolment, form) -> tuple[int, int | None]:
    if not form.is_valid():
        return 400, form.data.get("characteristic")
    characteristic = selectors.characteristic_in(year, form.cleaned_data["characteristic"])
    if characteristic is None:
        form.add_error(None, _("This characteristic does not exist."))
        return 400, None
    try:
        services.self_assess(
            by=request.user,
            enrolment=enrolment,
            characteristic=characteristic,
            rating=form.cleaned_data["rating"],
            narrative=form.cleaned_data["narrative"],
            links=(form.cleaned_data["links"] or "").splitlines(),
            documents=read_uploads(request.FILES.getlist("documents")),
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return 400, characteristic.pk
    return 302, characteristic.pk


# --- The inspectors' assessment ----------------------------------------------------------------


@login_required
@permission_required("transformation.assess_station", raise_exception=True)
@require_POST
def assessment_start(request: HttpRequest, code: str) -> HttpResponse:
    year = _year(request)
    unit = found_or_404(selectors.station_for(request.user, code))
    enrolment = found_or_404(selectors.enrolment_of(year, unit))
    try:
        assessment = services.start_assessment(by=request.user, enrolment=enrolment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("transformation:station", code=code)
    return redirect("transformation:assessment", pk=assessment.pk)


def _owners(station: Unit, inspector) -> list[tuple[int, str]]:
    people = active_members_of(station, including=inspector)
    return [(u.pk, u.get_full_name() or u.username) for u in people]


def _assessment_context(request, assessment, **bound) -> dict:
    station = assessment.enrolment.station
    questions, grades = selectors.assessment_sheet(assessment)
    return {
        "assessment": assessment,
        "unit": station,
        "year": assessment.enrolment.year,
        "questions": questions,
        "grades": grades,
        "tiers": Tier.choices,
        "finding_form": bound.get("finding_form")
        or forms.FindingForm(
            questions=[(q.pk, localized_text(q)) for q in questions],
            owners=_owners(station, request.user),
        ),
        "grade_errors": bound.get("grade_errors", {}),
        "open_findings": selectors.open_findings(station, limit=None),
        "selfs": selectors.self_assessments(assessment.enrolment),
        "figures": selectors.latest_figures(station),
        "indicators": {i.code: i for i in indicators.all_indicators()},
        "areas": selectors.framework(assessment.enrolment.year),
        "ungraded": services.ungraded_questions(assessment),
    }


@login_required
@permission_required("transformation.assess_station", raise_exception=True)
def assessment(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(selectors.assessment_for(request.user, pk))
    return render(request, "transformation/assessment.html", _assessment_context(request, found))


@login_required
@permission_required("transformation.assess_station", raise_exception=True)
@require_POST
def assessment_grade(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(selectors.assessment_for(request.user, pk))
    form = forms.GradeForm(request.POST)
    question = selectors.question_with_pk(request.POST.get("question") or 0)
    if question is not None and form.is_valid():
        try:
            services.grade(
                by=request.user,
                assessment=found,
                question=question,
                tier=form.cleaned_data["tier"],
                reasons=form.cleaned_data["reasons"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The grade was saved."))
            return redirect("transformation:assessment", pk=pk)
    if not form.errors and question is None:
        form.add_error(None, _("This question does not exist."))
    errors = {int(request.POST.get("question") or 0): _form_messages(form)}
    context = _assessment_context(request, found, grade_errors=errors)
    return render(request, "transformation/assessment.html", context, status=400)


def _form_messages(form) -> list[str]:
    if "tier" in form.errors:
        return [str(services.TIER_MESSAGE)]
    return [m for messages_ in form.errors.values() for m in messages_]


@login_required
@permission_required("transformation.assess_station", raise_exception=True)
@require_POST
def assessment_finding(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(selectors.assessment_for(request.user, pk))
    context = _assessment_context(request, found)
    form = forms.FindingForm(
        request.POST,
        questions=context["finding_form"].fields["question"].choices,
        owners=context["finding_form"].fields["owner"].choices,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.raise_finding(
                by=request.user,
                assessment=found,
                question=found_or_404(selectors.question_with_pk(data["question"])),
                kind=data["kind"],
                text=data["text"],
                owner=found_or_404(selectors.person_with_pk(data["owner"])),
                due_on=data["due_on"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The finding was recorded."))
            return redirect("transformation:assessment", pk=pk)
    context["finding_form"] = form
    return render(request, "transformation/assessment.html", context, status=400)


@login_required
@permission_required("transformation.assess_station", raise_exception=True)
@require_POST
def assessment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(selectors.assessment_for(request.user, pk))
    try:
        services.complete_assessment(by=request.user, assessment=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        context = _assessment_context(request, found)
        return render(request, "transformation/assessment.html", context, status=400)
    messages.success(request, _("The assessment is complete; its grades are published."))
    return redirect("transformation:assessment", pk=pk)


@login_required
@permission_required("transformation.view_progress", raise_exception=True)
@require_POST
def finding_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    finding = found_or_404(selectors.finding_for(request.user, pk))
    form = forms.FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up(by=request.user, finding=finding, **form.cleaned_data)
            messages.success(request, _("The follow-up was recorded."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Write the follow-up."))
    return redirect(request.POST.get("next") or "transformation:progress")


# --- The anonymous survey ----------------------------------------------------------------------


@login_required
@permission_required("transformation.self_assess", raise_exception=True)
def survey_links(request: HttpRequest, code: str) -> HttpResponse:
    year = _year(request)
    unit = found_or_404(selectors.station_for(request.user, code))
    form = forms.SurveyLinksForm(request.POST or None)
    links = []
    if request.method == "POST" and form.is_valid():
        try:
            tokens = services.issue_survey_links(
                by=request.user, station=unit, year=year, count=form.cleaned_data["count"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            links = [request.build_absolute_uri(_survey_url(t)) for t in tokens]
    context = {"form": form, "unit": unit, "year": year, "links": links}
    context["answered"] = selectors.survey_count(unit, year)
    return render(request, "transformation/survey_links.html", context)


def _survey_url(token: str) -> str:
    return reverse("transformation:survey", args=[token])


def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The public survey page: no login; the link is the only key."""
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_survey(
                token=token, role=form.cleaned_data["role"], answers=form.answers()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return render(request, "transformation/survey_thanks.html")
    status = 400 if request.method == "POST" else 200
    return render(request, "transformation/survey.html", {"form": form}, status=status)
