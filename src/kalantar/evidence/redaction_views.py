"""The redaction editor and the case export; thin: forms read, services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kalantar.core.persian import to_latin_digits
from kalantar.evidence import background, faces, redacting, selectors, services
from kalantar.evidence.redaction import format_time
from kalantar.evidence.redaction_forms import (
    BLANK_ROWS,
    BoxFormSet,
    RedactionForm,
    box_initial,
    plan_from,
)

CHANGE = "evidence.change_evidenceitem"


def _redactable(request: HttpRequest, pk: int):
    item = selectors.item_for(request.user, pk)
    if not redacting.may_redact(request.user, item):
        raise PermissionDenied
    return item


def _moment(request: HttpRequest) -> float:
    try:
        return max(0.0, float(to_latin_digits(request.GET.get("t", "0")) or 0))
    except ValueError:
        return 0.0


def _render(
    request, item, facts, form, boxes, *, status: int = 200, at: float = 0.0
) -> HttpResponse:
    context = {
        "item": item,
        "form": form,
        "boxes": boxes,
        "facts": facts,
        "at": at,
        "at_text": format_time(at),
        "detector": faces.available(),
    }
    return render(request, "evidence/redact.html", context, status=status)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def item_redact(request: HttpRequest, pk: int) -> HttpResponse:
    item = _redactable(request, pk)
    facts = selectors.media_facts(item)
    if facts is None or not facts.readable or not facts.duration_seconds:
        messages.error(request, _("Only a readable video or audio recording can be redacted."))
        return redirect(item)
    if request.method == "GET":
        services.view_item(by=request.user, item=item)
        blank = BoxFormSet(initial=[{} for _ in range(BLANK_ROWS)])
        return _render(request, item, facts, RedactionForm(), blank, at=_moment(request))
    form, boxes = RedactionForm(request.POST), BoxFormSet(request.POST)
    if request.POST.get("action") == "suggest":
        return _suggest(request, item, facts, form, boxes)
    if not (form.is_valid() and boxes.is_valid()):
        return _render(request, item, facts, form, boxes, status=400)
    try:
        job = background.start_redaction(by=request.user, item=item, plan=plan_from(form, boxes))
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _render(request, item, facts, form, boxes, status=400)
    return redirect(job)


def _suggest(request, item, facts, form, boxes) -> HttpResponse:
    """Run the detector; the rows the person ticked stay, suggestions come unticked."""
    kept = []
    if boxes.is_valid():
        kept = [row.cleaned_data for row in boxes if row.cleaned_data.get("on")]
        kept = [box_initial(row["box"], on=True, suggested=row["suggested"]) for row in kept]
    found = redacting.suggest_faces(by=request.user, item=item)
    rows = kept + [box_initial(box, suggested=True) for box in found]
    rows += [{} for _ in range(BLANK_ROWS)]
    if not faces.available():
        messages.warning(
            request, _("Face suggestions are not available on this server; draw the rectangles.")
        )
    elif found:
        messages.info(
            request,
            _("%(n)d faces suggested: tick each one to blur, move or resize it, or leave it.")
            % {"n": len(found)},
        )
    else:
        messages.info(request, _("No faces were found; draw the rectangles to blur."))
    form = RedactionForm(initial={k: request.POST.get(k, "") for k in ("clip", "mute")})
    at = min((box.start for box in found), default=0.0)
    return _render(request, item, facts, form, BoxFormSet(initial=rows), at=at)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_GET
def item_frame(request: HttpRequest, pk: int) -> HttpResponse:
    """One frame of the recording for the editor's preview (the editor's opening was
    audited as a viewing)."""
    item = _redactable(request, pk)
    image = redacting.frame_jpeg(item, _moment(request))
    if image is None:
        return HttpResponse(status=404)
    response = HttpResponse(image, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=600"
    return response


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def incident_export(request: HttpRequest, number: str) -> HttpResponse:
    incident, items = selectors.case_items_of_incident(request.user, number)
    back = reverse("incidents:detail", args=[incident.number])
    return _case_export(request, back, items, incident.number)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def complaint_export(request: HttpRequest, code: str) -> HttpResponse:
    complaint, items = selectors.case_items_of_complaint(request.user, code)
    back = reverse("complaints:detail", args=[complaint.tracking_code])
    return _case_export(request, back, items, complaint.tracking_code)


def _case_export(request, back: str, items, case: str) -> HttpResponse:
    """Queue the signed export; the job's page shows it being prepared, then the download."""
    try:
        job = background.start_case_export(by=request.user, items=items, case=case)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    return redirect(job)


def case_panel(user, record) -> dict | None:
    """The evidence part of an incident's or a complaint's page: its linked items, their
    redacted copies, and the chief's signed export of them all."""
    if not user.has_perm("evidence.view_evidenceitem"):
        return None
    if record._meta.label_lower == "incidents.incident":
        items = selectors.items_of_incident(user, record)
        case = record.number
        url = reverse("evidence:incident_export", args=[case])
    else:
        items = selectors.items_of_complaint(user, record)
        case = record.tracking_code
        url = reverse("evidence:complaint_export", args=[case])
    if not items:
        return None
    every = redacting.with_derivatives(items)
    return {
        "items": every,
        "export_url": url,
        "may_export": user.has_perm(CHANGE),
        "exports": background.exports_of_case(user, case),
    }
