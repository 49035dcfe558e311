from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from kalantar.core import audit, extensions
from kalantar.core.models import AuditEntry


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
    entries = AuditEntry.objects.all()
    action = request.GET.get("action", "").strip()
    if action in {a.code for a in audit.registered_actions()}:
        entries = entries.filter(action=action)
    elif action:
        entries = entries.filter(action__startswith=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    with transaction.atomic():
        # Who looked at the audit log is itself worth knowing.
        audit.record(
            "core.audit.read", actor=request.user, detail={"filter": action, "page": page.number}
        )
    for entry in page.object_list:
        entry.action_label = audit.action_label(entry.action)
        entry.object_label = _object_label(entry.object_type)
    actions = [(a.code, a.label) for a in audit.registered_actions()]
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "action": action, "actions": sorted(actions, key=lambda a: a[1])},
    )


def _object_label(object_type: str) -> str:
    """A model's name in the page's language for its label ("complaints.complaint")."""
    if not object_type:
        return ""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (expired page, cookies blocked) explained in the user's language,
    under the site's layout, instead of Django's English technical page."""
    return render(request, "403_csrf.html", status=403)
