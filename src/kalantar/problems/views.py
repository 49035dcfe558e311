"""Pages for problem-solving projects, referrals and the agency registry; thin by design."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kalantar.analytics import selectors as analytics_selectors
from kalantar.core import files as stored_files
from kalantar.core.forms import apply_service_errors
from kalantar.core.scoping import found_or_404
from kalantar.core.uploads import read_uploads
from kalantar.incidents import categories
from kalantar.people import selectors as people_selectors
from kalantar.problems import forms, links, selectors, services, workflow
from kalantar.problems.drafts import AgencyDraft, ProblemDraft
from kalantar.problems.models import Problem, Referral

WEEKDAY_KEYS = ("Sat", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri")


def _problem(request: HttpRequest, number: str) -> Problem:
    return found_or_404(selectors.problem_for(request.user, number))


def _referral(request: HttpRequest, reference: str) -> Referral:
    return found_or_404(selectors.referral_for(request.user, reference))


# --- Follow-up ---------------------------------------------------------------------------------


@login_required
@permission_required("problems.view_problem", raise_exception=True)
def problem_list(request: HttpRequest) -> HttpResponse:
    follow = selectors.follow_up(request.user)
    closed = selectors.closed_problems(request.user)
    return render(
        request,
        "problems/list.html",
        {
            "follow": follow,
            "closed": closed,
            "due_for_assessment": selectors.due_for_assessment(request.user),
            "leads": selectors.leads(request.user),
        },
    )


@login_required
@permission_required("problems.view_referral", raise_exception=True)
def responsiveness(request: HttpRequest) -> HttpResponse:
    rows = selectors.agency_responsiveness(request.user)
    escalated = selectors.escalated_referrals(request.user)
    return render(request, "problems/responsiveness.html", {"rows": rows, "escalated": escalated})


# --- Opening a project ---------------------------------------------------------------------------


def _alert(request: HttpRequest, alert_id: str):
    try:
        pk = int(alert_id)
    except ValueError:
        raise Http404 from None
    return found_or_404(analytics_selectors.surge_alert_for(request.user, pk))


@login_required
@permission_required("problems.add_problem", raise_exception=True)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    alert_id = request.GET.get("alert") or request.POST.get("alert")
    if alert_id:
        return _new_from_alert(request, _alert(request, alert_id))
    units = selectors.owner_units(request.user)
    initial = {"unit": request.user.unit if request.user.unit in units else None}
    cell = request.GET.get("cell", "").strip()
    codes = [c for c in request.GET.get("complaints", "").replace(",", " ").split() if c]
    if cell:
        initial["area_cells"] = cell
    # A lead offered on the list (a perception gap, ...) comes with its title and trigger.
    for name in ("title", "trigger"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = forms.ProblemForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        draft = ProblemDraft.from_fields(
            {**form.cleaned_data, "hotspot_cell": request.POST.get("hotspot_cell", "")}
        )
        try:
            problem = services.open_problem_by_hand(
                by=request.user,
                unit=form.cleaned_data["unit"],
                draft=draft,
                complaint_codes=request.POST.getlist("complaint"),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Project %(number)s opened.") % {"number": problem.number})
            return redirect("problems:detail", number=problem.number)
    return render(
        request,
        "problems/new.html",
        {"form": form, "hotspot_cell": cell, "complaint_codes": codes},
    )


def _new_from_alert(request: HttpRequest, alert) -> HttpResponse:
    existing = selectors.problem_from_alert(alert.pk)
    if request.method == "POST":
        try:
            problem = services.open_problem_from_alert(
                by=request.user, alert=alert, title=request.POST.get("title", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Project %(number)s opened.") % {"number": problem.number})
            return redirect("problems:detail", number=problem.number)
    return render(
        request,
        "problems/new_from_alert.html",
        {"alert": alert, "category": categories.label(alert.category), "existing": existing},
    )


# --- The project --------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, problem: Problem) -> dict:
    figures = selectors.analysis_figures(problem)
    users = people_selectors.active_members_under(problem.unit)
    agencies = selectors.active_agencies_for(request.user)
    records = selectors.problem_records(problem)
    return {
        "problem": problem,
        "category_labels": [categories.label(c) for c in problem.categories],
        "figures": figures,
        "weekdays": list(zip(WEEKDAY_KEYS, figures.by_weekday, strict=True)),
        "hours": list(enumerate(figures.by_hour)),
        "max_hour": max(figures.by_hour) or 1,
        "max_weekday": max(figures.by_weekday) or 1,
        "repeat_victims": selectors.repeat_victims(problem, request.user),
        "trigger": selectors.trigger_text(problem),
        **selectors.analysis_places(request.user, problem, figures),
        "analysis_form": forms.AnalysisForm(
            initial={
                "offender_notes": problem.offender_notes,
                "victim_notes": problem.victim_notes,
                "place_notes": problem.place_notes,
                "analysis_summary": problem.analysis_summary,
            }
        ),
        "response_form": forms.ResponsePeriodForm(
            initial={"response_start": problem.response_start, "response_end": problem.response_end}
        ),
        "action_form": forms.ActionForm(owners=users),
        "referral_form": forms.ReferralForm(agencies=agencies),
        "actions": records.actions,
        "referrals": records.referrals,
        "assessment": records.assessment,
        "attachments": records.attachments,
        "complaints": records.complaints,
        "can_change": request.user.has_perm("problems.change_problem") and problem.is_open,
        "can_refer": request.user.has_perm("problems.add_referral") and problem.is_open,
    }


@login_required
@permission_required("problems.view_problem", raise_exception=True)
def detail(request: HttpRequest, number: str) -> HttpResponse:
    problem = _problem(request, number)
    return render(request, "problems/detail.html", _detail_context(request, problem))


def _rerender(request, problem, **forms_with_errors) -> HttpResponse:
    context = _detail_context(request, problem)
    context.update(forms_with_errors)
    return render(request, "problems/detail.html", context, status=400)


def _save_on_page(request, problem, form, form_name: str, save, done: str) -> HttpResponse:
    """Call `save(cleaned_data)` for a valid form, then back to the project page; on a
    refusal, the page again with the service's message on the form."""
    if form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("problems:detail", number=problem.number)
    return _rerender(request, problem, **{form_name: form})


@login_required
@permission_required("problems.change_problem", raise_exception=True)
@require_POST
def analysis(request: HttpRequest, number: str) -> HttpResponse:
    problem = _problem(request, number)
    return _save_on_page(
        request,
        problem,
        forms.AnalysisForm(request.POST),
        "analysis_form",
        lambda data: services.update_analysis(
            by=request.user,
            problem=problem,
            files=read_uploads(request.FILES.getlist("files")),
            **data,
        ),
        _("Analysis saved."),
    )


@login_required
@permission_required("problems.change_problem", raise_exception=True)
@require_POST
def response_period(request: HttpRequest, number: str) -> HttpResponse:
    problem = _problem(request, number)
    return _save_on_page(
        request,
        problem,
        forms.ResponsePeriodForm(request.POST),
        "response_form",
        lambda data: services.set_response_period(
            by=request.user,
            problem=problem,
            start=data["response_start"],
            end=data["response_end"],
        ),
        _("Response period saved."),
    )


@login_required
@permission_required("problems.change_problem", raise_exception=True)
@require_POST
def add_action(request: HttpRequest, number: str) -> HttpResponse:
    problem = _problem(request, number)
    owners = people_selectors.active_members_under(problem.unit)
    return _save_on_page(
        request,
        problem,
        forms.ActionForm(request.POST, owners=owners),
        "action_form",
        lambda data: services.add_action(by=request.user, problem=problem, **data),
        _("Action added."),
    )


@login_required
@permission_required("problems.change_problem", raise_exception=True)
@require_POST
def action_done(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    problem = _problem(request, number)
    action = found_or_404(selectors.action_of(problem, pk))
    services.complete_action(by=request.user, action=action)
    return redirect("problems:detail", number=number)


@login_required
@permission_required("problems.change_problem", raise_exception=True)
@require_POST
def assess(request: HttpRequest, number: str) -> HttpResponse:
    problem = _problem(request, number)
    try:
        services.assess_problem(by=request.user, problem=problem)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Assessment computed from the incidents."))
    return redirect(f"{problem_url(problem)}#assessment")


@login_required
@permission_required("problems.change_problem", raise_exception=True)
@require_POST
def close(request: HttpRequest, number: str) -> HttpResponse:
    problem = _problem(request, number)
    try:
        services.close_problem(by=request.user, problem=problem)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Project closed."))
    return redirect("problems:detail", number=number)


def problem_url(problem: Problem) -> str:
    return reverse("problems:detail", args=[problem.number])


# --- Referrals ------------------------------------------------------------------------------


@login_required
@permission_required("problems.add_referral", raise_exception=True)
@require_POST
def refer(request: HttpRequest, number: str) -> HttpResponse:
    problem = _problem(request, number)
    form = forms.ReferralForm(request.POST, agencies=selectors.agencies_for(request.user))
    if form.is_valid():
        try:
            referral = services.send_referral(by=request.user, problem=problem, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Referral %(ref)s sent.") % {"ref": referral.reference})
            return redirect("problems:referral", reference=referral.reference)
    return _rerender(request, problem, referral_form=form)


@login_required
@permission_required("problems.view_referral", raise_exception=True)
def referral(request: HttpRequest, reference: str) -> HttpResponse:
    item = _referral(request, reference)
    return render(
        request,
        "problems/referral.html",
        {
            "referral": item,
            "events": selectors.referral_events(item),
            "answer_url": links.answer_url(item) if item.closed_at is None else "",
            "can_close": request.user.has_perm("problems.change_referral")
            and item.status in Referral.FINAL_STATUSES
            and item.closed_at is None,
        },
    )


@login_required
@permission_required("problems.change_referral", raise_exception=True)
@require_POST
def close_referral(request: HttpRequest, reference: str) -> HttpResponse:
    item = _referral(request, reference)
    try:
        services.close_referral(by=request.user, referral=item, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Referral closed."))
    return redirect("problems:referral", reference=reference)


def _qr(url: str) -> str:
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=3, svgclass="referral-qr")


@login_required
@permission_required("problems.view_referral", raise_exception=True)
def letter(request: HttpRequest, reference: str) -> HttpResponse:
    item = _referral(request, reference)
    status_url = links.status_url(item)
    answer_url = links.answer_url(item)
    return render(
        request,
        "problems/letter.html",
        {
            "referral": item,
            "status_url": status_url,
            "status_qr": _qr(status_url),
            "answer_url": answer_url,
            "answer_qr": _qr(answer_url),
        },
    )


def public_status(request: HttpRequest, token: str) -> HttpResponse:
    """What anyone holding the letter may see: where the referral stands, nothing else."""
    item = found_or_404(selectors.referral_by_public_token(token))
    return render(request, "problems/public_status.html", {"referral": item})


def _link_error(request: HttpRequest, error: links.LinkError) -> HttpResponse:
    return render(request, "problems/link_error.html", {"message": str(error)}, status=403)


@never_cache
@require_GET
def answer_file(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """The agency opens the evidence of its own referral through its answer link only."""
    try:
        item = selectors.referral_for_link(token)
    except links.LinkError as error:
        return _link_error(request, error)
    record = found_or_404(selectors.link_attachment(item, pk))
    return stored_files.open_stored_file(by=None, record=record, via="link")


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        item = selectors.referral_for_link(token)
    except links.LinkError as error:
        return _link_error(request, error)
    statuses = workflow.agency_choices(item.status)
    form = forms.AnswerForm(request.POST or None, statuses=statuses)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.answer_referral(
                token=token,
                files=read_uploads(request.FILES.getlist("files")),
                **form.cleaned_data,
            )
        except links.LinkError as error:
            return _link_error(request, error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return render(request, "problems/answer_done.html", {"referral": item})
    return render(
        request,
        "problems/answer.html",
        {
            "referral": item,
            "form": form,
            "statuses": statuses,
            "token": token,
            "attachments": selectors.referral_attachments(item),
        },
        status=400 if form.errors else 200,
    )


# --- Agencies ------------------------------------------------------------------------------


@login_required
@permission_required("problems.view_agency", raise_exception=True)
def agencies(request: HttpRequest) -> HttpResponse:
    items = selectors.agency_directory(request.user)
    return render(request, "problems/agencies.html", {"agencies": items})


@login_required
@permission_required("problems.manage_agencies", raise_exception=True)
@require_http_methods(["GET", "POST"])
def agency_new(request: HttpRequest) -> HttpResponse:
    units = selectors.agency_units(request.user)
    form = forms.AgencyForm(request.POST or None, units=units, initial={"unit": request.user.unit})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contacts = []
        if data["contact_name"]:
            contacts.append(
                {
                    "name": data["contact_name"],
                    "title": data["contact_title"],
                    "email": data["contact_email"],
                    "phone": data["contact_phone"],
                }
            )
        draft = AgencyDraft(
            name=data["name"],
            name_en=data["name_en"],
            kind=data["kind"],
            email=data["email"],
            phone=data["phone"],
            address=data["address"],
            contacts=contacts,
        )
        try:
            services.create_agency(by=request.user, unit=data["unit"], draft=draft)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Agency registered."))
            return redirect("problems:agencies")
    return render(request, "problems/agency_new.html", {"form": form})
