"""Pages of guard tours, guards' reports and reviews on events; thin by design.

The guard's phone page knows the guard by the phone's secret link (kept in a cookie once
opened): guards have no staff account. An institution's desk user sees that institution's
reports only; station staff see what their stations' scope holds.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kalantar.core import limits
from kalantar.core.forms import apply_service_errors
from kalantar.security_firms import (
    cooperation,
    field_forms,
    forms,
    report_rules,
    reviews,
    selectors,
    services,
    tour_codes,
    tours,
)
from kalantar.security_firms.models import (
    ContractSite,
    Guard,
    GuardPhone,
    GuardReport,
)

PHONE_COOKIE = "kalantar_guard_phone"
PHONE_COOKIE_DAYS = 365
SCAN_GROUP = "security_firms.scan"

# --- The guard's phone page --------------------------------------------------------------------


def _phone(request: HttpRequest) -> GuardPhone | None:
    phone = selectors.guard_phone(request.COOKIES.get(PHONE_COOKIE))
    if phone is not None:
        phone.note_use()
    return phone


def _no_phone(request: HttpRequest) -> HttpResponse:
    return render(request, "security_firms/phone_unknown.html", status=403)


@never_cache
def phone_link(request: HttpRequest, token: str) -> HttpResponse:
    """The secret link given to a guard's phone: remembered, then the phone page."""
    if selectors.guard_phone(token) is None:
        return _no_phone(request)
    response = redirect("security_firms:phone")
    response.set_cookie(
        PHONE_COOKIE,
        token,
        max_age=PHONE_COOKIE_DAYS * 86400,
        httponly=True,
        secure=request.is_secure(),
        samesite="Lax",
    )
    return response


def _sites_of(guard: Guard):
    return selectors.active_sites_of(guard.institution_id)


@never_cache
def phone(request: HttpRequest) -> HttpResponse:
    found = _phone(request)
    if found is None:
        return _no_phone(request)
    guard = found.guard
    context = {
        "guard": guard,
        "form": field_forms.ScanForm(),
        "sites": _sites_of(guard).prefetch_related("tour_plans__stops__checkpoint"),
        "rules": report_rules.RULES,
    }
    return render(request, "security_firms/phone.html", context)


def _scanning_too_fast(request: HttpRequest, phone: GuardPhone) -> bool:
    """Counted per phone, not per address (the guards of a site share one), and before the
    code is checked, so replayed or forged codes count too."""
    return limits.count(
        request,
        group=SCAN_GROUP,
        rate=settings.GUARD_SCAN_RATE,
        key=lambda _group, _request: f"phone:{phone.pk}",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest) -> HttpResponse:
    """A checkpoint's QR opens this page on the guard's phone; sending it records the scan
    with the phone's location when the guard allows it."""
    found = _phone(request)
    if found is None:
        return _no_phone(request)
    if request.method == "GET":
        form = field_forms.ScanForm(initial={"code": request.GET.get("c", "")})
        return render(request, "security_firms/scan.html", {"form": form, "guard": found.guard})
    if _scanning_too_fast(request, found):
        context = {"form": field_forms.ScanForm(request.POST), "guard": found.guard}
        return render(request, "security_firms/scan.html", {**context, "limited": True}, status=429)
    form = field_forms.ScanForm(request.POST)
    if not form.is_valid():
        return render(
            request, "security_firms/scan.html", {"form": form, "guard": found.guard}, status=400
        )
    data = form.cleaned_data
    try:
        done = tours.record_scan(
            guard=found.guard,
            code=data["code"] or "",
            nfc_tag=data["nfc_tag"] or "",
            lon=data["lon"],
            lat=data["lat"],
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return render(
            request, "security_firms/scan.html", {"form": form, "guard": found.guard}, status=400
        )
    context = {"scan": done, "flags": tours.scan_messages(done), "guard": found.guard}
    return render(request, "security_firms/scan_done.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def phone_report(request: HttpRequest) -> HttpResponse:
    found = _phone(request)
    if found is None:
        return _no_phone(request)
    guard = found.guard
    data = request.POST if request.method == "POST" else None
    initial = {"occurred_at": timezone.now()}
    form = field_forms.ReportForm(data, initial=initial, sites=_sites_of(guard))
    if data is not None and form.is_valid():
        report = _file(request, form, guard=guard, channel=GuardReport.Channel.PHONE, by=None)
        if report is not None:
            return render(request, "security_firms/report_sent.html", {"report": report})
    status = 400 if data is not None else 200
    context = {"form": form, "guard": guard, "rules": report_rules.RULES}
    return render(request, "security_firms/phone_report.html", context, status=status)


def _file(request, form, *, guard, channel, by) -> GuardReport | None:
    data = form.cleaned_data
    point = (
        (data["lon"], data["lat"]) if data["lon"] is not None and data["lat"] is not None else None
    )
    try:
        return cooperation.file_report(
            by=by,
            guard=guard,
            kind=data["kind"],
            narrative=data["narrative"],
            occurred_at=data["occurred_at"],
            channel=channel,
            site=data["site"],
            point=point,
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return None


# --- Checkpoints and a site's tour report ------------------------------------------------------


def _staff_institution(user):
    return selectors.staff_institution(user)


def _site_for(request: HttpRequest, pk: int) -> ContractSite:
    """A site the user may see: in their stations' scope, or of their own institution."""
    institution = _staff_institution(request.user)
    if institution is not None:
        return selectors.own_site(request.user, pk)
    if not request.user.has_perm("security_firms.view_tourround"):
        raise Http404
    return selectors.site_for(request.user, pk)


@login_required
def checkpoint_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """What a checkpoint's screen shows: the current code's QR, reloaded when it changes."""
    checkpoint = selectors.screen_checkpoint(pk)
    _site_for(request, checkpoint.site_id)
    now = timezone.now()
    code = tours.current_code(checkpoint, now)
    url = f"{settings.SITE_URL}{reverse('security_firms:scan')}?c={code}"
    ends = tour_codes.window_ends(tour_codes.window_of(now))
    context = {
        "checkpoint": checkpoint,
        "qr": tours.code_svg(url),
        "code": code,
        "ends": ends,
        "refresh": int((ends - now).total_seconds()) + 2,
    }
    return render(request, "security_firms/checkpoint_screen.html", context)


@login_required
def site_tours(request: HttpRequest, pk: int) -> HttpResponse:
    site = _site_for(request, pk)
    context = {
        "site": site,
        "rounds": tours.site_rounds(site),
        "checkpoints": selectors.active_checkpoints(site),
    }
    return render(request, "security_firms/site_tours.html", context)


# --- Guards' reports: the station and the institution ------------------------------------------


@login_required
@permission_required("security_firms.view_guardreport", raise_exception=True)
def station_reports(request: HttpRequest) -> HttpResponse:
    context = {"groups": cooperation.reports_for_station(request.user)}
    return render(request, "security_firms/station_reports.html", context)


@login_required
@permission_required("security_firms.view_guardreport", raise_exception=True)
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_for(request.user, pk)
    form = field_forms.AnswerForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("security_firms.change_guardreport"):
            raise Http404
        if form.is_valid():
            try:
                cooperation.answer_report(
                    by=request.user, report=report, answer=form.cleaned_data["answer"]
                )
                messages.success(request, _("The answer was sent to the institution."))
                return redirect("security_firms:report", pk=report.pk)
            except ValidationError as error:
                apply_service_errors(form, error)
    status = 400 if request.method == "POST" else 200
    context = {"report": report, "form": form, "rule": report_rules.rule(report.kind)}
    return render(request, "security_firms/report_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def institution_reports(request: HttpRequest) -> HttpResponse:
    institution = _staff_institution(request.user)
    if institution is None:
        raise Http404
    guards = selectors.active_guards_of(institution.pk)
    sites = selectors.active_sites_of(institution.pk)
    data = request.POST if request.method == "POST" else None
    form = field_forms.DeskReportForm(
        data, initial={"occurred_at": timezone.now()}, guards=guards, sites=sites
    )
    if data is not None and form.is_valid():
        channel = GuardReport.Channel.DESK
        guard = form.cleaned_data["guard"]
        if _file(request, form, guard=guard, channel=channel, by=request.user) is not None:
            messages.success(request, _("The report was sent to the station."))
            return redirect("security_firms:institution_reports")
    context = {
        "institution": institution,
        "guards": guards,
        "form": form,
        "reports": cooperation.reports_of_institution(institution),
        "sites": sites,
        "rules": report_rules.RULES,
    }
    return render(
        request,
        "security_firms/institution_reports.html",
        context,
        status=400 if data is not None else 200,
    )


# --- Reviews on events: the registrar ----------------------------------------------------------


@login_required
@permission_required("security_firms.view_guardreview", raise_exception=True)
def review_list(request: HttpRequest) -> HttpResponse:
    context = {"reviews": reviews.open_reviews(request.user)}
    return render(request, "security_firms/reviews.html", context)


@login_required
@permission_required("security_firms.view_guardreview", raise_exception=True)
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_for(request.user, pk)
    form = field_forms.DecisionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("security_firms.change_guardreview"):
            raise Http404
        if form.is_valid():
            try:
                reviews.decide(by=request.user, review=review, **form.cleaned_data)
                messages.success(request, _("The decision was recorded."))
                return redirect("security_firms:guard_history", pk=review.guard_id)
            except ValidationError as error:
                apply_service_errors(form, error)
    context = {"review": review, "form": form}
    status = 400 if request.method == "POST" else 200
    return render(request, "security_firms/review_detail.html", context, status=status)


@login_required
@permission_required("security_firms.view_guardreview", raise_exception=True)
def guard_history(request: HttpRequest, pk: int) -> HttpResponse:
    guard = selectors.guard_for(request.user, pk)
    since = timezone.now() - timedelta(days=365)
    context = {
        "guard": guard,
        "reviews": reviews.history_of(request.user, guard),
        "reports": selectors.reports_of(guard, since),
    }
    return render(request, "security_firms/guard_history.html", context)


# --- The institution sets up its sites' tours and its guards' phones ---------------------------


def _own_site(request: HttpRequest, pk: int) -> ContractSite:
    return selectors.own_site(request.user, pk)


def _shift_form(site, data=None) -> forms.ShiftForm:
    return forms.ShiftForm(
        data,
        prefix="shift",
        posts=selectors.active_posts(site),
        guards=selectors.active_guards_of(site.institution_id),
    )


def _setup_context(site, **bound) -> dict:
    checkpoints = selectors.active_checkpoints(site)
    points = [{"name": c.name, "lon": c.lon, "lat": c.lat} for c in checkpoints]
    coming = selectors.coming_shifts(site)
    return {
        "site": site,
        # For the map picker, in a data attribute (the template escapes it).
        "checkpoint_points": json.dumps(points, ensure_ascii=False),
        "checkpoint_form": bound.get("checkpoint") or field_forms.CheckpointForm(),
        "plan_form": bound.get("plan") or field_forms.PlanForm(checkpoints=checkpoints),
        "post_form": bound.get("post") or forms.PostForm(prefix="post"),
        "shift_form": bound.get("shift") or _shift_form(site),
        "plans": selectors.tour_plans_of(site),
        "checkpoints": checkpoints,
        "shifts": coming,
    }


def _setup_form(request, site, action: str):
    if action == "plan":
        checkpoints = selectors.active_checkpoints(site)
        return field_forms.PlanForm(request.POST, checkpoints=checkpoints), _add_plan
    if action == "shift":
        return _shift_form(site, request.POST), _add_shift
    if action == "post":
        return forms.PostForm(request.POST, prefix="post"), _add_post
    return field_forms.CheckpointForm(request.POST), _add_checkpoint


@login_required
@require_http_methods(["GET", "POST"])
def site_setup(request: HttpRequest, pk: int) -> HttpResponse:
    """The institution's page for a site's checkpoints, tour plans, posts and shifts."""
    site = _own_site(request, pk)
    if request.method == "GET":
        return render(request, "security_firms/site_setup.html", _setup_context(site))
    action = request.POST.get("action", "checkpoint")
    form, add = _setup_form(request, site, action)
    if form.is_valid():
        try:
            add(request, site, form)
            return redirect("security_firms:site_setup", pk=site.pk)
        except ValidationError as error:
            apply_service_errors(form, error)
    key = action if action in ("plan", "shift", "post") else "checkpoint"
    context = _setup_context(site, **{key: form})
    return render(request, "security_firms/site_setup.html", context, status=400)


def _add_post(request, site, form) -> None:
    services.add_post(by=request.user, site=site, **form.cleaned_data)
    messages.success(request, _("The post was added."))


def _add_shift(request, site, form) -> None:
    services.add_roster(by=request.user, **form.cleaned_data)
    messages.success(request, _("The shift and its guards were recorded."))


def _add_checkpoint(request, site, form) -> None:
    data = form.cleaned_data
    tours.add_checkpoint(
        by=request.user,
        site=site,
        name=data["name"],
        kind=data["kind"],
        nfc_tag=data["nfc_tag"] or "",
        point=(data["lon"], data["lat"]),
    )
    messages.success(request, _("The checkpoint was added."))


def _add_plan(request, site, form) -> None:
    data = form.cleaned_data
    tours.add_plan(
        by=request.user,
        site=site,
        name=data["name"],
        start_times=data["start_times"],
        tolerance_minutes=data["tolerance_minutes"],
        stops=form.stops(),
    )
    messages.success(request, _("The tour plan was added."))


@login_required
@require_http_methods(["POST"])
def issue_phone_link(request: HttpRequest, pk: int) -> HttpResponse:
    """A new phone link for one of the institution's guards, shown once."""
    guard = selectors.own_guard(request.user, pk)
    try:
        raw = tours.issue_phone(by=request.user, guard=guard)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("security_firms:institution_reports")
    link = f"{settings.SITE_URL}{reverse('security_firms:phone_link', args=[raw])}"
    context = {"guard": guard, "link": link, "qr": tours.code_svg(link)}
    return render(request, "security_firms/phone_issued.html", context)
