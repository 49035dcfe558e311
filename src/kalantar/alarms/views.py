from __future__ import annotations

import asyncio
import json
import time

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kalantar.alarms import selectors, services
from kalantar.alarms.models import Alarm, AlarmLog, Subscriber
from kalantar.core.persian import to_latin_digits
from kalantar.incidents import selectors as incident_selectors

STREAM_POLL_SECONDS = 0.25
# The states templates compare with (never as string literals).
_VOCABULARY = {"State": Alarm.State, "Comm": Subscriber.Comm}


@login_required
@permission_required("alarms.view_alarm", raise_exception=True)
def console(request: HttpRequest) -> HttpResponse:
    context = selectors.console(request.user)
    context.update(selected=request.GET.get("alarm", ""), **_VOCABULARY)
    return render(request, "alarms/console.html", context)


@login_required
@permission_required("alarms.view_alarm", raise_exception=True)
def queue_rows(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "alarms/_queue_rows.html",
        {"alarms": selectors.queue(request.user)[:200], "now": timezone.now(), **_VOCABULARY},
    )


def _sse(version: int) -> bytes:
    return f"event: queue\ndata: {json.dumps({'version': version})}\n\n".encode()


@login_required
@permission_required("alarms.view_alarm", raise_exception=True)
def stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Server-sent events: a `queue` event whenever any alarm opens or changes; the page
    then fetches its own (scoped) rows. Streams end after a while; browsers reconnect."""
    seen = to_latin_digits(request.GET.get("v", "")).strip() or "0"
    if not (seen.isascii() and seen.isdecimal()):
        return HttpResponseBadRequest(_("The queue version must be a whole number."))
    if isinstance(request, ASGIRequest):
        body = _async_stream(int(seen), limit=300)
    else:
        body = _sync_stream(int(seen), limit=10)
    response = StreamingHttpResponse(body, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _async_stream(seen: int, *, limit: float):
    version = sync_to_async(selectors.queue_version)
    deadline = time.monotonic() + limit
    yield b"retry: 1000\n\n"
    while time.monotonic() < deadline:
        current = await version()
        if current != seen:
            seen = current
            yield _sse(current)
        await asyncio.sleep(STREAM_POLL_SECONDS)


def _sync_stream(seen: int, *, limit: float):
    """For WSGI servers (a thread per stream): short streams, ended on any database error."""
    deadline = time.monotonic() + limit
    yield b"retry: 500\n\n"
    while time.monotonic() < deadline:
        try:
            current = selectors.queue_version()
        except Exception:
            return
        if current != seen:
            seen = current
            yield _sse(current)
        time.sleep(STREAM_POLL_SECONDS)


def _alarm_or_404(request, pk: int) -> Alarm:
    alarm = selectors.alarm(request.user, pk)
    if alarm is None:
        raise Http404
    return alarm


def _detail_context(request, alarm: Alarm, error: str = "") -> dict:
    return {
        **selectors.alarm_detail(request.user, alarm),
        "outcomes": Alarm.Outcome.choices,
        "plan_actions": AlarmLog.PLAN_ACTIONS,
        "error": error,
        "can_work": request.user.has_perm("alarms.work_alarm"),
        **_VOCABULARY,
    }


@login_required
@permission_required("alarms.view_alarm", raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm_or_404(request, pk)
    if request.htmx:
        return render(request, "alarms/_detail.html", _detail_context(request, alarm))
    return render(request, "alarms/detail.html", _detail_context(request, alarm))


def _after(request, alarm: Alarm, error: str = "") -> HttpResponse:
    alarm = _alarm_or_404(request, alarm.pk)
    if request.htmx:
        return render(request, "alarms/_detail.html", _detail_context(request, alarm, error))
    return redirect(f"{request.path.rsplit('/', 2)[0]}/")


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@require_POST
@login_required
@permission_required("alarms.work_alarm", raise_exception=True)
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm_or_404(request, pk)
    try:
        services.acknowledge_alarm(by=request.user, alarm=alarm)
    except ValidationError as exc:
        return _after(request, alarm, _errors(exc))
    return _after(request, alarm)


@require_POST
@login_required
@permission_required("alarms.work_alarm", raise_exception=True)
def dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm_or_404(request, pk)
    unit = incident_selectors.patrol_chosen(request.user, request.POST.get("unit"))
    if unit is None:
        return _after(request, alarm, _("Choose a patrol unit."))
    try:
        services.dispatch_alarm(by=request.user, alarm=alarm, unit=unit)
    except ValidationError as exc:
        return _after(request, alarm, _errors(exc))
    return _after(request, alarm)


@require_POST
@login_required
@permission_required("alarms.work_alarm", raise_exception=True)
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm_or_404(request, pk)
    try:
        services.resolve_alarm(
            by=request.user,
            alarm=alarm,
            outcome=request.POST.get("outcome", ""),
            note=request.POST.get("note", ""),
            passcode=request.POST.get("passcode", ""),
        )
    except ValidationError as exc:
        return _after(request, alarm, _errors(exc))
    return _after(request, alarm)


@require_POST
@login_required
@permission_required("alarms.work_alarm", raise_exception=True)
def log_action(request: HttpRequest, pk: int) -> HttpResponse:
    alarm = _alarm_or_404(request, pk)
    try:
        services.log_action(
            by=request.user,
            alarm=alarm,
            action=request.POST.get("action", ""),
            text=request.POST.get("text", ""),
        )
    except ValidationError as exc:
        return _after(request, alarm, _errors(exc))
    return _after(request, alarm)


@login_required
@permission_required("alarms.view_subscriber", raise_exception=True)
def subscriber_list(request: HttpRequest) -> HttpResponse:
    context = {**selectors.subscriber_list(request.user), **_VOCABULARY}
    return render(request, "alarms/subscribers.html", context)


@login_required
@permission_required("alarms.view_subscriber", raise_exception=True)
def subscriber_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sub = selectors.subscriber(request.user, pk)
    if sub is None:
        raise Http404
    context = {**selectors.subscriber_detail(request.user, sub), **_VOCABULARY}
    return render(request, "alarms/subscriber_detail.html", context)


@login_required
@permission_required("alarms.manage_parked", raise_exception=True)
def parked_list(request: HttpRequest) -> HttpResponse:
    result = selectors.parked_page(request.user, request.GET.get("page"))
    return render(request, "alarms/parked.html", {"result": result, "page": result.page})


class _StreamUnreachable(Exception):
    pass


def _parked_or_404(request, seq: int):
    try:
        event = selectors.parked_event(request.user, seq)
    except Exception as exc:  # NATS down, or the stream without a leader
        raise _StreamUnreachable(f"{type(exc).__name__}: {exc}") from exc
    if event is None:
        raise Http404
    return event


def _unreachable(request, exc: Exception) -> HttpResponse:
    messages.error(request, f"{_('The stream of parked events could not be read:')} {exc}")
    return _back_to_parked(request)


_NOT_REPLAYED = {
    "missing": _("That parked event is no longer there."),
    "not_an_event": _("That message is not an alarm event: it cannot be replayed, only dropped."),
    "remembered": _(
        "The stream still remembers this event from its first delivery (its duplicate "
        "window): it stays parked; replay it again in a few minutes."
    ),
}


def _back_to_parked(request) -> HttpResponse:
    page = to_latin_digits(request.POST.get("page", "")).strip()
    query = f"?page={page}" if page.isascii() and page.isdecimal() else ""
    return redirect(f"{reverse('alarms:parked')}{query}")


@require_POST
@login_required
@permission_required("alarms.manage_parked", raise_exception=True)
def parked_replay(request: HttpRequest, seq: int) -> HttpResponse:
    try:
        _parked_or_404(request, seq)
        [outcome] = services.replay_parked(by=request.user, seqs=[seq])
    except _StreamUnreachable as exc:
        return _unreachable(request, exc)
    if outcome.done:
        messages.success(request, _("The event is back on the stream; the consumers store it."))
    else:
        messages.error(request, _NOT_REPLAYED[outcome.why])
    return _back_to_parked(request)


@require_POST
@login_required
@permission_required("alarms.manage_parked", raise_exception=True)
def parked_drop(request: HttpRequest, seq: int) -> HttpResponse:
    try:
        _parked_or_404(request, seq)
    except _StreamUnreachable as exc:
        return _unreachable(request, exc)
    try:
        outcome = services.drop_parked(
            by=request.user, seq=seq, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return _back_to_parked(request)
    if outcome.done:
        messages.success(request, _("The parked event is dropped."))
    else:
        messages.error(request, _NOT_REPLAYED["missing"])
    return _back_to_parked(request)
