from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kalantar.core import extensions, jobs, services, tasks
from kalantar.core.scoping import found_or_404
from kalantar.core.uploads import read_uploads


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "unit": request.user.unit,
        "today": timezone.now(),
        "cards": extensions.home_cards(request.user),
    }
    return render(request, "core/home.html", context)


@login_required
@permission_required("core.view_auditentry", raise_exception=True)
def audit_log(request: HttpRequest) -> HttpResponse:
    result = services.audit_log_page(
        by=request.user,
        action=request.GET.get("action", ""),
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "core/audit_log.html",
        {"page": result.page, "action": result.action, "actions": result.actions},
    )


@login_required
@permission_required("core.view_task", raise_exception=True)
def task_list(request: HttpRequest) -> HttpResponse:
    result = tasks.task_page(
        status=request.GET.get("status", ""), page_number=request.GET.get("page")
    )
    return render(
        request,
        "core/task_list.html",
        {"page": result.page, "status": result.status, "statuses": result.statuses},
    )


@login_required
@permission_required("core.retry_task", raise_exception=True)
@require_POST
def task_retry(request: HttpRequest, pk: int) -> HttpResponse:
    if tasks.retry_failed(by=request.user, pk=pk):
        messages.success(request, _("The task is queued again."))
    else:
        messages.error(request, _("Only a failed task can be queued again."))
    return redirect(f"{reverse('core:task_list')}?status=failed")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired page, cookies blocked) explained in the user's language,
    under the site's layout, instead of Django's English technical page."""
    return render(request, "403_csrf.html", status=403)


def upload_job_page(
    request: HttpRequest,
    *,
    start: Callable[..., Any],
    kind: str,
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """An import started from a page: on POST the uploaded file goes to `start` (a service
    that checks what it can at once and queues the job) and the person follows the job's
    page; a refusal is shown on the form. The page lists the person's recent imports of
    `kind` (template: core/_import_form.html inside the app's page)."""
    error = ""
    if request.method == "POST":
        uploads = read_uploads(request.FILES.getlist("file"))
        try:
            job = start(by=request.user, upload=uploads[0] if uploads else None)
        except ValidationError as invalid:
            error = invalid.messages[0]
        else:
            return redirect(job)
    full = {
        "error": error,
        "limit": jobs.import_limit_text(),
        "recent": jobs.started_by(request.user, kind=kind, limit=5),
        **(context or {}),
    }
    return render(request, template, full, status=400 if error else 200)


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    """The person's own page-started work, newest first."""
    return render(request, "core/job_list.html", {"states": jobs.started_by(request.user)})


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A page-started job: "being prepared" (the page reloads its state by itself), then
    its result or its errors."""
    found = found_or_404(jobs.job_for(request.user, pk))
    context = {"state": jobs.state_of(found)}
    template = "core/_job_state.html" if request.htmx else "core/job.html"
    return render(request, template, context)


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    found = found_or_404(jobs.job_for(request.user, pk))
    if found.status != found.Status.DONE or found.output is None:
        raise Http404
    return jobs.open_output(by=request.user, job=found)
