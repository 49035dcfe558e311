"""The registrar's desk, a guard's page and card, the station's view of guards on duty and
the public licence check; thin by design."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from kalantar.core import audit
from kalantar.core.forms import apply_service_errors
from kalantar.core.site import site_url
from kalantar.security_firms import card, forms, public, selectors, services
from kalantar.security_firms.models import Guard, VettingCheck

REGISTER = "security_firms.register_security"
VIEW_GUARDS = "security_firms.view_guard"
VIEW_SITES = "security_firms.view_contractsite"


# --- The registrar's desk ----------------------------------------------------------------------


@login_required
@permission_required(REGISTER, raise_exception=True)
def desk(request: HttpRequest) -> HttpResponse:
    context = {
        "applications": selectors.applications(request.user)[:200],
        "expiring": selectors.expiring(request.user),
        "overdue": selectors.overdue_training(request.user),
        "figures": selectors.dashboard(request.user),
        "check_items": len(VettingCheck.Item.values),
    }
    return render(request, "security_firms/desk.html", context)


@login_required
@permission_required(REGISTER, raise_exception=True)
@require_POST
def desk_bulk(request: HttpRequest) -> HttpResponse:
    """Licence, or reject with one reason, the applications ticked on the desk: each on its
    own, so one incomplete checklist holds back only that guard, named with the reason."""
    applicants = selectors.applicants_for(request.user)
    form = forms.BulkForm(request.POST, guards=applicants)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect("security_firms:desk")
    data, done = form.cleaned_data, 0
    for guard in data["guards"]:
        try:
            if data["action"] == "licence":
                services.issue_licence(by=request.user, guard=guard)
            else:
                services.reject_application(by=request.user, guard=guard, reason=data["reason"])
            done += 1
        except ValidationError as error:
            messages.error(request, f"{guard.full_name}: {' '.join(error.messages)}")
    if done:
        messages.success(request, _("%(n)s applications were decided.") % {"n": services.num(done)})
    return redirect("security_firms:desk")


@login_required
@permission_required(REGISTER, raise_exception=True)
def apply(request: HttpRequest) -> HttpResponse:
    institutions = selectors.active_institutions_for(request.user)
    form = forms.ApplicationForm(
        request.POST or None, request.FILES or None, institutions=institutions
    )
    if request.method == "POST" and form.is_valid():
        try:
            guard = services.apply(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The application of %(name)s is on the register.") % {"name": guard.full_name},
            )
            return redirect("security_firms:guard", pk=guard.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "security_firms/apply.html", {"form": form}, status=status)


@login_required
@permission_required(VIEW_GUARDS, raise_exception=True)
def guards(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    found = selectors.search_guards(request.user, text or "")
    return render(
        request, "security_firms/guards.html", {"form": form, "guards": found[:100], "q": text}
    )


def _guard_context(request: HttpRequest, guard: Guard, **forms_given) -> dict:
    return {
        "guard": guard,
        "checks": selectors.checks_of(guard),
        "trainings": selectors.trainings_of(guard),
        "standing": services.training_standing(guard),
        "assignments": selectors.assignments_of(guard),
        "check_form": forms_given.get("check_form") or forms.CheckForm(),
        "training_form": forms_given.get("training_form") or forms.TrainingForm(),
        "status_form": forms_given.get("status_form") or forms.StatusForm(),
        "reject_form": forms_given.get("reject_form") or forms.RejectForm(),
        "can_register": request.user.has_perm(REGISTER),
    }


@login_required
@permission_required(VIEW_GUARDS, raise_exception=True)
def guard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    guard = selectors.guard_for(request.user, pk)
    return render(request, "security_firms/guard.html", _guard_context(request, guard))


_ACTIONS = {
    "check": (forms.CheckForm, "check_form"),
    "training": (forms.TrainingForm, "training_form"),
    "status": (forms.StatusForm, "status_form"),
    "reject": (forms.RejectForm, "reject_form"),
}


def _run(request: HttpRequest, action: str, guard: Guard, data: dict) -> str:
    by = request.user
    if action == "check":
        services.record_check(by=by, guard=guard, **data)
        return _("The checklist was updated.")
    if action == "training":
        services.record_training(by=by, guard=guard, **data)
        return _("The course was added to the training ledger.")
    if action == "status":
        removed = services.change_status(by=by, guard=guard, **data)
        return _("The status was changed; %(n)s roster places were emptied.") % {
            "n": services.num(removed)
        }
    if action == "reject":
        services.reject_application(by=by, guard=guard, **data)
        return _("The application was rejected.")
    services.issue_licence(by=by, guard=guard)
    return _("The licence was issued.")


@login_required
@permission_required(REGISTER, raise_exception=True)
@require_POST
def guard_act(request: HttpRequest, pk: int) -> HttpResponse:
    guard = selectors.guard_for(request.user, pk)
    action = request.POST.get("action", "")
    if action not in _ACTIONS and action != "licence":
        return redirect("security_firms:guard", pk=guard.pk)
    form_class, name = _ACTIONS.get(action, (None, ""))
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        context = _guard_context(request, guard, **{name: form})
        return render(request, "security_firms/guard.html", context, status=400)
    try:
        done = _run(request, action, guard, form.cleaned_data if form else {})
    except ValidationError as error:
        if form is None:
            for message in error.messages:
                messages.error(request, message)
            return redirect("security_firms:guard", pk=guard.pk)
        apply_service_errors(form, error)
        context = _guard_context(request, guard, **{name: form})
        return render(request, "security_firms/guard.html", context, status=400)
    messages.success(request, done)
    return redirect("security_firms:guard", pk=guard.pk)


@login_required
@permission_required(VIEW_GUARDS, raise_exception=True)
def licence_card(request: HttpRequest, pk: int) -> HttpResponse:
    guard = selectors.guard_for(request.user, pk)
    if not guard.licence_number:
        raise Http404
    facts = card.CardFacts(guard.licence_number, guard.licence_expires, guard.status_changed_at)
    url = f"{site_url(request)}{card.CHECK_PATH}?{card.claim_query(facts)}"
    with transaction.atomic():
        audit.record("security_firms.card_printed", actor=request.user, obj=guard)
    context = {
        "guard": guard,
        "qr": card.qr_svg(url),
        "check_url": url,
        "activities": _activity_labels(guard),
    }
    return render(request, "security_firms/card.html", context)


def _activity_labels(guard: Guard) -> list[str]:
    from_code = dict(forms.Activity.choices)
    return [str(from_code.get(a, a)) for a in guard.activities]


@login_required
@permission_required(VIEW_GUARDS, raise_exception=True)
def guard_photo(request: HttpRequest, pk: int) -> HttpResponse:
    guard = selectors.guard_for(request.user, pk)
    return _photo_response(guard)


def _photo_response(guard: Guard | None) -> HttpResponse:
    if guard is None or not guard.photo:
        raise Http404
    response = FileResponse(guard.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- The station's view ------------------------------------------------------------------------


@login_required
@permission_required(VIEW_SITES, raise_exception=True)
def on_duty(request: HttpRequest) -> HttpResponse:
    context = {
        "on_duty": selectors.on_duty(request.user),
        "sites": selectors.sites_with_posts(request.user)[:200],
        "notices": selectors.notices_for(request.user)[:50],
    }
    return render(request, "security_firms/on_duty.html", context)


@login_required
@permission_required(VIEW_SITES, raise_exception=True)
@never_cache
def on_duty_map(request: HttpRequest) -> JsonResponse:
    return JsonResponse(selectors.map_features(request.user))


# --- The public check --------------------------------------------------------------------------


@require_GET
@never_cache
def check(request: HttpRequest) -> HttpResponse:
    claim = request.META.get("QUERY_STRING", "") if "s" in request.GET else ""
    number = request.GET.get("number", "").strip()
    if not claim and not number:
        return render(request, "security_firms/check.html", {"form": forms.CheckLicenceForm()})
    if public.over_limit(request):
        return render(request, "security_firms/check.html", {"limited": True}, status=429)
    outcome = public.check(number=number, claim=claim)
    context = {
        "form": forms.CheckLicenceForm(None if claim else request.GET),
        "answer": outcome.answer,
        "forged": outcome.forged,
    }
    return render(request, "security_firms/check.html", context)


@require_GET
@never_cache
def check_photo(request: HttpRequest, number: str) -> HttpResponse:
    """The photo of a licence on the register, for the public check page."""
    clean = selectors.clean_licence_number(number)
    return _photo_response(selectors.public_guard(clean) if clean else None)


@require_GET
@cache_control(public=True, max_age=3600)
def card_key(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(card.well_known_document(site_url(request)))
    response["Access-Control-Allow-Origin"] = "*"
    return response
