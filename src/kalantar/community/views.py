"""Pages of the community programmes: thin, they parse, call a service or selector, render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kalantar.community import forms, rules, selectors, services
from kalantar.community.models import HoursEntry, SafetyReport
from kalantar.core import limits
from kalantar.core.forms import apply_service_errors
from kalantar.core.scoping import found_or_404

PAGE_SIZE = 25
PUBLIC_RATE = "20/h"


def _perm(name: str):
    def decorate(view):
        return login_required(permission_required(f"community.{name}", raise_exception=True)(view))

    return decorate


def _volunteer(request: HttpRequest, pk: int):
    return found_or_404(selectors.volunteer_for(request.user, pk))


def _service(request: HttpRequest, form, call) -> bool:
    """Run a service; show its refusal on the form (nothing changed) or as a message."""
    try:
        call()
    except ValidationError as error:
        if form is not None:
            apply_service_errors(form, error)
        else:
            for text in error.messages:
                messages.error(request, text)
        return False
    return True


# --- Volunteer registry ---------------------------------------------------------------------


@_perm("view_volunteer")
@require_GET
def volunteers(request: HttpRequest) -> HttpResponse:
    groups = selectors.groups_for(request.user)
    bar = forms.VolunteerFilterForm(request.GET or None, groups=groups)
    rows = selectors.volunteers_for(request.user, bar.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "community/volunteers.html",
        {"bar": bar, "page": page, "query": query.urlencode(), "filtered": bool(bar.data)},
    )


@_perm("add_volunteer")
@require_http_methods(["GET", "POST"])
def volunteer_new(request: HttpRequest) -> HttpResponse:
    form = forms.VolunteerForm(request.POST or None, groups=selectors.groups_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = services.VolunteerDraft(
            **{k: data[k] for k in services.VolunteerDraft.__dataclass_fields__}
        )
        made = []
        if _service(
            request,
            form,
            lambda: made.append(
                services.register_volunteer(by=request.user, station=request.user.unit, draft=draft)
            ),
        ):
            messages.success(
                request, _("The volunteer is registered. Request the background check next.")
            )
            return redirect("community:volunteer", made[0].pk)
    return render(request, "community/volunteer_new.html", {"form": form})


def _detail(request: HttpRequest, volunteer, **forms_given) -> HttpResponse:
    record = selectors.volunteer_record(volunteer)
    context = {
        "volunteer": volunteer,
        "answer_form": forms_given.get("answer_form") or forms.CheckAnswerForm(),
        "assign_form": forms_given.get("assign_form") or forms.AssignForm(),
        "hours_form": forms_given.get("hours_form") or forms.HoursForm(),
        "recognition_form": forms_given.get("recognition_form") or forms.RecognitionForm(),
        "assignments": record.assignments,
        "hours": record.hours,
        "recognitions": record.recognitions,
        "sessions": record.sessions,
    }
    return render(request, "community/volunteer.html", context, status=400 if forms_given else 200)


@_perm("view_volunteer")
@require_GET
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _volunteer(request, pk))


@_perm("change_volunteer")
@require_POST
def check_request(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = _volunteer(request, pk)
    if _service(
        request, None, lambda: services.request_check(by=request.user, volunteer=volunteer)
    ):
        messages.success(request, _("The background check is requested."))
    return redirect("community:volunteer", pk)


def _volunteer_step(request, pk: int, form_class, service, done: str, slot: str) -> HttpResponse:
    """One of the volunteer page's forms: run the service with the form's fields, or show the
    page again with the form's errors in its place (`slot`)."""
    volunteer = _volunteer(request, pk)
    form = form_class(request.POST)
    if form.is_valid() and _service(
        request,
        form,
        lambda: service(by=request.user, volunteer=volunteer, **form.cleaned_data),
    ):
        messages.success(request, done)
        return redirect("community:volunteer", pk)
    return _detail(request, volunteer, **{slot: form})


@_perm("change_volunteer")
@require_POST
def check_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _volunteer_step(
        request,
        pk,
        forms.CheckAnswerForm,
        services.answer_check,
        _("The answer of the background check is recorded."),
        "answer_form",
    )


@_perm("change_volunteer")
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _volunteer_step(
        request, pk, forms.AssignForm, services.assign, _("The duty is assigned."), "assign_form"
    )


@_perm("add_hoursentry")
@require_POST
def hours_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _volunteer_step(
        request,
        pk,
        forms.HoursForm,
        services.log_hours,
        _("The hours are recorded and wait for approval."),
        "hours_form",
    )


@_perm("change_volunteer")
@require_POST
def recognise(request: HttpRequest, pk: int) -> HttpResponse:
    return _volunteer_step(
        request,
        pk,
        forms.RecognitionForm,
        services.recognise,
        _("The recognition is recorded."),
        "recognition_form",
    )


# --- Groups and neighbourhoods --------------------------------------------------------------


@_perm("view_watchgroup")
@require_http_methods(["GET", "POST"])
def groups(request: HttpRequest) -> HttpResponse:
    can_add = request.user.has_perm("community.add_watchgroup")
    hoods = selectors.neighbourhoods_for(request.user)
    form = forms.GroupForm(
        request.POST if can_add and request.method == "POST" else None,
        neighbourhoods=selectors.neighbourhoods_for(request.user),
        officers=selectors.officers_for(request.user),
    )
    if request.method == "POST" and not can_add:
        raise Http404
    if (
        request.method == "POST"
        and form.is_valid()
        and _service(
            request, form, lambda: services.add_group(by=request.user, **form.cleaned_data)
        )
    ):
        messages.success(request, _("The group is formed."))
        return redirect("community:groups")
    return render(
        request,
        "community/groups.html",
        {
            "groups": selectors.groups_for(request.user),
            "neighbourhoods": hoods,
            "areas": selectors.areas_geojson(hoods),
            "form": form,
            "can_add": can_add,
        },
    )


@_perm("view_watchgroup")
@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    group = found_or_404(selectors.group_for(request.user, pk))
    members = selectors.volunteers_for(request.user, selectors.VolunteerFilters(group=group))
    sessions, alerts = selectors.group_news(group)
    return render(
        request,
        "community/group.html",
        {
            "group": group,
            "members": members,
            "sessions": sessions,
            "alerts": alerts,
            "areas": selectors.areas_geojson([group.neighbourhood]),
        },
    )


@_perm("add_neighbourhood")
@require_http_methods(["GET", "POST"])
def neighbourhood_new(request: HttpRequest) -> HttpResponse:
    form = forms.NeighbourhoodForm(
        request.POST or None, stations=selectors.stations_for(request.user)
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _service(
            request, form, lambda: services.add_neighbourhood(by=request.user, **form.cleaned_data)
        )
    ):
        messages.success(request, _("The neighbourhood is drawn."))
        return redirect("community:groups")
    return render(request, "community/neighbourhood_new.html", {"form": form})


# --- Hours ledger ---------------------------------------------------------------------------


@_perm("view_hoursentry")
@require_GET
def hours_ledger(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    status = status if status in HoursEntry.Status.values else None
    rows = selectors.hours_for(request.user, status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/hours.html",
        {
            "page": page,
            "status": status or "",
            "statuses": HoursEntry.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )


@_perm("change_hoursentry")
@require_POST
def hours_decide(request: HttpRequest, pk: int) -> HttpResponse:
    entry = found_or_404(selectors.hours_entry_for(request.user, pk))
    form = forms.DecisionForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if _service(
        request,
        None,
        lambda: services.decide_hours(by=request.user, entry=entry, approve=approve, note=note),
    ):
        messages.success(request, _("Approved.") if approve else _("Declined."))
    return redirect(request.POST.get("next") or "community:hours")


# --- Training ----------------------------------------------------------------------------------


@_perm("view_trainingsession")
@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest) -> HttpResponse:
    can_add = request.user.has_perm("community.add_trainingsession")
    if request.method == "POST" and not can_add:
        raise Http404
    form = forms.SessionForm(request.POST or None, groups=selectors.groups_for(request.user))
    if request.method == "POST" and form.is_valid():
        made = []
        if _service(
            request,
            form,
            lambda: made.append(
                services.add_session(
                    by=request.user, station=request.user.unit, **form.cleaned_data
                )
            ),
        ):
            messages.success(request, _("The session is added: now mark who attended."))
            return redirect("community:session", made[0].pk)
    page = Paginator(selectors.sessions_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "community/sessions.html", {"page": page, "form": form, "can_add": can_add}
    )


@_perm("view_trainingsession")
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = found_or_404(selectors.session_for(request.user, pk))
    volunteers, present = selectors.session_roll(request.user, session)
    form = forms.AttendanceForm(
        request.POST or None, volunteers=volunteers, initial={"present": present}
    )
    if request.method == "POST":
        if not request.user.has_perm("community.add_trainingsession"):
            raise Http404
        if form.is_valid() and _service(
            request,
            form,
            lambda: services.record_attendance(
                by=request.user, session=session, present=list(form.cleaned_data["present"])
            ),
        ):
            messages.success(request, _("Attendance is recorded."))
            return redirect("community:session", pk)
    return render(request, "community/session.html", {"session": session, "form": form})


# --- Alerts --------------------------------------------------------------------------------------


@_perm("view_alert")
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.alerts_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "community/alerts.html", {"page": page})


def _preview(request: HttpRequest, form) -> selectors.Preview | None:
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    hood, topic, priority = data.get("neighbourhood"), data.get("topic"), data.get("priority")
    if not (hood and topic and priority):
        return None
    return selectors.preview(neighbourhood=hood, topic=topic, priority=priority, now=timezone.now())


@_perm("add_alert")
@require_http_methods(["GET", "POST"])
def alert_new(request: HttpRequest) -> HttpResponse:
    hoods = selectors.neighbourhoods_for(request.user)
    if request.method == "GET":
        # The area, topic and priority may come in the address: the preview shows at once.
        asked = forms.AlertForm(request.GET, neighbourhoods=hoods)
        asked.is_valid()
        form = forms.AlertForm(initial=request.GET.dict(), neighbourhoods=hoods)
        context = {"form": form, "preview": _preview(request, asked)}
        return render(request, "community/alert_new.html", context)
    form = forms.AlertForm(request.POST, neighbourhoods=hoods)
    if form.is_valid() and _service(
        request, form, lambda: services.compose_alert(by=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("The alert is queued: messages go out in the background."))
        return redirect("community:alerts")
    context = {"form": form, "preview": _preview(request, form)}
    return render(request, "community/alert_new.html", context, status=400)


@_perm("add_alert")
@require_GET
def alert_preview(request: HttpRequest) -> HttpResponse:
    form = forms.AlertForm(request.GET, neighbourhoods=selectors.neighbourhoods_for(request.user))
    form.is_valid()
    return render(request, "community/_preview.html", {"preview": _preview(request, form)})


# --- Safety reports (station side) ---------------------------------------------------------------


@_perm("view_safetyreport")
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    status = status if status in SafetyReport.Status.values else None
    page = Paginator(selectors.reports_for(request.user, status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "community/reports.html",
        {
            "page": page,
            "status": status or "",
            "statuses": SafetyReport.Status.choices,
            "query": f"status={status}" if status else "",
        },
    )


@_perm("view_safetyreport")
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = found_or_404(selectors.report_for(request.user, pk))
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("community.review_safetyreport"):
            raise Http404
        if form.is_valid() and _service(
            request,
            form,
            lambda: services.review_report(
                by=request.user, report=report, reply=form.cleaned_data["reply"]
            ),
        ):
            messages.success(request, _("Marked reviewed; the reporter hears back."))
            return redirect("community:reports")
    labels = dict(forms._DETAIL_LABELS)
    details = [(labels.get(k, k), v) for k, v in report.details.items()]
    return render(
        request, "community/report.html", {"report": report, "form": form, "details": details}
    )


# --- The volunteer's own page ---------------------------------------------------------------------


def _own(view):
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        volunteer = selectors.own_volunteer(request.user)
        if volunteer is None:
            raise Http404
        return view(request, volunteer, *args, **kwargs)

    return _perm("use_volunteer_page")(wrapped)


def _me_page(request: HttpRequest, volunteer, hours_form=None, status=200) -> HttpResponse:
    context = {
        "page": selectors.group_page(volunteer),
        "hours_form": hours_form or forms.HoursForm(),
    }
    return render(request, "community/me.html", context, status=status)


@_own
@require_GET
def me(request: HttpRequest, volunteer) -> HttpResponse:
    return _me_page(request, volunteer)


@_own
@require_POST
def me_hours(request: HttpRequest, volunteer) -> HttpResponse:
    form = forms.HoursForm(request.POST)
    if form.is_valid() and _service(
        request,
        form,
        lambda: services.log_hours(by=request.user, volunteer=volunteer, **form.cleaned_data),
    ):
        messages.success(request, _("The hours are recorded and wait for approval."))
        return redirect("community:me")
    return _me_page(request, volunteer, hours_form=form, status=400)


def _report_page(request: HttpRequest, *, volunteer=None) -> HttpResponse:
    hoods = selectors.neighbourhoods_to_report(volunteer)
    form = forms.ReportForm(
        request.POST or None, neighbourhoods=hoods, ask_mobile=volunteer is None
    )
    if request.method == "POST":
        if volunteer is None and limits.count(request, group="community.report", rate=PUBLIC_RATE):
            return render(
                request, "community/report_form.html", {"form": form, "limited": True}, status=429
            )
        if form.is_valid() and _file(request, form, volunteer):
            return render(request, "community/report_done.html", {"volunteer": volunteer})
    return render(request, "community/report_form.html", {"form": form, "volunteer": volunteer})


def _file(request: HttpRequest, form, volunteer) -> bool:
    data = form.cleaned_data
    draft = services.ReportDraft(
        neighbourhood=data["neighbourhood"],
        behaviour=data["behaviour"],
        what_happened=data["what_happened"],
        happened_at=data["happened_at"],
        place=data["place"],
        details=form.details(),
        appearance=data.get("appearance") or "",
        mobile=data.get("mobile") or "",
    )
    by = request.user if volunteer is not None else None
    return _service(
        request, form, lambda: services.file_report(by=by, volunteer=volunteer, draft=draft)
    )


@_own
@require_http_methods(["GET", "POST"])
def me_report(request: HttpRequest, volunteer) -> HttpResponse:
    return _report_page(request, volunteer=volunteer)


# --- Public pages ---------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    return _report_page(request)


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    hoods = selectors.public_neighbourhoods()
    form = forms.SubscribeForm(request.POST or None, neighbourhoods=hoods)
    context = {"form": form, "consent_text": rules.CONSENT_TEXTS[rules.CONSENT_VERSION]}
    if request.method == "POST":
        if limits.count(request, group="community.subscribe", rate=PUBLIC_RATE):
            return render(
                request, "community/subscribe.html", {**context, "limited": True}, status=429
            )
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "consent"}
            if _service(
                request, form, lambda: services.subscribe(draft=services.SubscriptionDraft(**data))
            ):
                return render(
                    request, "community/subscribed.html", {"neighbourhood": data["neighbourhood"]}
                )
    return render(request, "community/subscribe.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscriber_from_token(token)
    if subscriber is None:
        return render(request, "community/unsubscribe.html", {"bad_link": True}, status=404)
    done = False
    if request.method == "POST":
        services.withdraw(subscriber=subscriber)
        done = True
    return render(
        request,
        "community/unsubscribe.html",
        {"subscriber": subscriber, "done": done or subscriber.withdrawn_at is not None},
    )
