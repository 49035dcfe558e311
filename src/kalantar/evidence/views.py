"""The camera desk, the evidence items and the resumable-upload endpoint; thin by design."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from kalantar.core.forms import apply_service_errors
from kalantar.core.scoping import found_or_404
from kalantar.core.streaming import streams_body
from kalantar.evidence import forms, playback, selectors, services, signing, tus
from kalantar.evidence.models import IncidentLink

# --- The camera desk ---------------------------------------------------------------------------


def _desk_forms(request: HttpRequest, data=None):
    out_form = forms.CheckOutForm(
        data if data is not None and data.get("action") == "out" else None,
        officers=selectors.officers_for(request.user),
        patrols=selectors.patrols_for(request.user),
    )
    in_form = forms.CheckInForm(data if data is not None and data.get("action") == "in" else None)
    return out_form, in_form


@login_required
@permission_required("evidence.view_camera", raise_exception=True)
def desk(request: HttpRequest) -> HttpResponse:
    out_form, in_form = _desk_forms(request)
    return _render_desk(request, out_form, in_form)


def _render_desk(request, out_form, in_form, status: int = 200) -> HttpResponse:
    context = {
        "out_form": out_form,
        "in_form": in_form,
        "assignments": selectors.open_assignments(request.user),
        "cameras": selectors.cameras_for(request.user),
    }
    return render(request, "evidence/desk.html", context, status=status)


@login_required
@permission_required("evidence.change_camera", raise_exception=True)
@require_POST
def desk_act(request: HttpRequest) -> HttpResponse:
    out_form, in_form = _desk_forms(request, request.POST)
    form = out_form if request.POST.get("action") == "out" else in_form
    if not form.is_valid():
        return _render_desk(request, out_form, in_form, status=400)
    try:
        if form is out_form:
            assignment = services.check_out_camera(by=request.user, **form.cleaned_data)
            messages.success(request, _("Camera %(s)s checked out.") % {"s": assignment.camera})
        else:
            assignment = services.check_in_camera(by=request.user, **form.cleaned_data)
            messages.success(request, _("Camera %(s)s checked in.") % {"s": assignment.camera})
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _render_desk(request, out_form, in_form, status=400)
    return redirect("evidence:desk")


# --- Evidence items ------------------------------------------------------------------------------


@login_required
@permission_required("evidence.view_evidenceitem", raise_exception=True)
def item_list(request: HttpRequest) -> HttpResponse:
    items = selectors.items_for(request.user)[:200]
    return render(request, "evidence/items.html", {"items": items})


@login_required
@permission_required("evidence.view_evidenceitem", raise_exception=True)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = services.view_item(by=request.user, item=selectors.item_for(request.user, pk))
    form = forms.ItemForm(initial={"title": item.title, "category": item.category})
    return _render_item(request, item, form)


def _render_item(
    request, item, form, status: int = 200, play_form=None, share_form=None, new_share_url=""
) -> HttpResponse:
    context = {
        "item": item,
        "form": form,
        "chain": selectors.custody_chain(item),
        "playable": playback.is_playable(item.original.content_type),
        "playing": playback.granted(request.session, item.pk, timezone.now()),
        "play_form": play_form or forms.PlaybackForm(),
        "share_form": share_form or forms.ShareForm(),
        "shares": selectors.shares_of(request.user, item),
        "new_share_url": new_share_url,
        "facts": selectors.media_facts(item),
        "links": selectors.incident_links(item),
        "Link": IncidentLink.Status,
    }
    return render(request, "evidence/item.html", context, status=status)


@login_required
@permission_required("evidence.change_evidenceitem", raise_exception=True)
@require_POST
def item_change(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    form = forms.ItemForm(request.POST)
    if form.is_valid():
        try:
            services.change_item(by=request.user, item=item, **form.cleaned_data)
            return redirect(item)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field, errors)
    return _render_item(request, item, form, status=400)


@login_required
@permission_required("evidence.view_evidenceitem", raise_exception=True)
def item_download(request: HttpRequest, pk: int) -> HttpResponse:
    return services.download_item(by=request.user, item=selectors.item_for(request.user, pk))


@login_required
@permission_required("evidence.view_evidenceitem", raise_exception=True)
@require_safe
def item_custody_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The custody chain as a PDF for a court; printing it is a custody event."""
    item = selectors.item_for(request.user, pk)
    pdf = services.custody_report(by=request.user, item=item)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="custody-{item.pk}.pdf"'
    return response


# --- Resumable uploads (tus 1.0) ---------------------------------------------------------------


def _tus_response(status: int, message: str = "", **headers: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    if status == tus.CHECKSUM_MISMATCH:
        response.reason_phrase = "Checksum Mismatch"
    response["Tus-Resumable"] = tus.VERSION
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _tus_endpoint(view):
    """Session-authenticated, CSRF-exempt: every request but OPTIONS must carry the
    Tus-Resumable header (tus.check_version), which no cross-site form can send without a
    CORS preflight this site never grants. Refusals become the protocol's answers."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            return _tus_response(204, **tus.options_headers(max_size=settings.EVIDENCE_MAX_BYTES))
        if not request.user.is_authenticated:
            return _tus_response(401, _("Log in to upload evidence."))
        if not request.user.has_perm("evidence.add_evidenceitem"):
            return _tus_response(403, _("You may not upload evidence."))
        try:
            return view(request, *args, **kwargs)
        except tus.TusError as error:
            return _tus_response(error.status, error.reason)
        except services.UploadRefused as error:
            return _tus_response(error.status, error.message)

    return wrapped


def _headers(request: HttpRequest) -> dict[str, str]:
    return {name.lower(): value for name, value in request.headers.items()}


@_tus_endpoint
@require_http_methods(["POST", "OPTIONS"])
def uploads(request: HttpRequest) -> HttpResponse:
    creation = tus.parse_creation(_headers(request), max_size=settings.EVIDENCE_MAX_BYTES)
    upload = services.start_upload(by=request.user, creation=creation)
    location = request.build_absolute_uri(reverse("evidence:upload", args=[upload.pk]))
    return _tus_response(201, Location=location, Upload_Offset="0")


@streams_body  # a PATCH's bytes go to the store as they arrive, not to a temporary file
@_tus_endpoint
@require_http_methods(["HEAD", "PATCH", "DELETE", "OPTIONS"])
def upload(request: HttpRequest, upload_id: str) -> HttpResponse:
    headers = _headers(request)
    tus.check_version(headers)
    upload = selectors.upload_for(request.user, upload_id)
    if request.method == "DELETE":
        services.terminate_upload(by=request.user, upload=upload)
        return _tus_response(204)
    if request.method == "PATCH":
        patch = tus.parse_patch(headers, current_offset=upload.offset)
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        upload = services.receive_chunk(
            by=request.user, upload=upload, patch=patch, body=request, size=size
        )
        return _tus_response(204, Upload_Offset=str(upload.offset))
    if upload.status not in (upload.Status.RECEIVING, upload.Status.COMPLETE):
        return _tus_response(410, _("This upload was cancelled or refused."))
    return _tus_response(200, **tus.offset_headers(offset=upload.offset, length=upload.length))


# --- Fixity alerts and the evidence key --------------------------------------------------------


@login_required
@permission_required("evidence.view_quarantine", raise_exception=True)
def quarantines(request: HttpRequest) -> HttpResponse:
    alerts = selectors.quarantines_for(request.user)[:200]
    return render(request, "evidence/quarantines.html", {"alerts": alerts})


@require_GET
@cache_control(public=True, max_age=3600)
def evidence_key(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(signing.well_known_document())
    # Anyone may check an export, including from a page of their own.
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- Links to incidents ------------------------------------------------------------------------


@login_required
@permission_required("evidence.change_evidenceitem", raise_exception=True)
@require_POST
def link_decide(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    """The station chief confirms or dismisses a link the linker suggested."""
    link = found_or_404(selectors.link_for(request.user, pk, link_pk))
    try:
        services.decide_link(
            by=request.user, link=link, confirm=request.POST.get("decision") == "confirm"
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(link.item)


# --- Playback with a stated purpose ------------------------------------------------------------


@login_required
@permission_required("evidence.view_evidenceitem", raise_exception=True)
@require_POST
def item_play(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.item_for(request.user, pk)
    form = forms.PlaybackForm(request.POST)
    if form.is_valid():
        try:
            services.start_playback(
                by=request.user, item=item, session=request.session, **form.cleaned_data
            )
            return redirect(item)
        except ValidationError as error:
            apply_service_errors(form, error)
    item_form = forms.ItemForm(initial={"title": item.title, "category": item.category})
    return _render_item(request, item, item_form, status=400, play_form=form)


@login_required
@permission_required("evidence.view_evidenceitem", raise_exception=True)
@require_safe
def item_stream(request: HttpRequest, pk: int) -> HttpResponse:
    """The player's source: only for a session that stated its purpose for this item."""
    item = selectors.item_for(request.user, pk)
    if not playback.granted(request.session, item.pk, timezone.now()):
        return HttpResponse(_("State the purpose of viewing first."), status=403)
    return services.stream_item(item=item, range_header=request.headers.get("Range", ""))


# --- Share links ------------------------------------------------------------------------------


def _item_form(item) -> forms.ItemForm:
    return forms.ItemForm(initial={"title": item.title, "category": item.category})


@login_required
@permission_required("evidence.change_evidenceitem", raise_exception=True)
@require_POST
def item_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a link; its address is shown on this answer only (only its digest is kept)."""
    item = selectors.item_for(request.user, pk)
    form = forms.ShareForm(request.POST)
    if form.is_valid():
        try:
            _share, raw = services.share_item(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            url = request.build_absolute_uri(reverse("evidence:shared", args=[raw]))
            return _render_item(request, item, _item_form(item), new_share_url=url)
    return _render_item(request, item, _item_form(item), status=400, share_form=form)


@login_required
@permission_required("evidence.change_evidenceitem", raise_exception=True)
@require_POST
def share_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    share = found_or_404(selectors.share_for(request.user, pk))
    services.revoke_share(by=request.user, share=share)
    messages.success(request, _("The link was revoked; it opens nothing any more."))
    return redirect(share.item)


def _share_refused(request: HttpRequest, error: services.ShareRefused) -> HttpResponse:
    return render(request, "evidence/share_refused.html", {"message": str(error)}, status=403)


@never_cache
@require_http_methods(["GET", "POST"])
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The recipient's page, outside the staff login: receipt first, then the recording."""
    form = forms.AcknowledgeForm(request.POST or None)
    try:
        if request.method == "POST" and form.is_valid():
            services.acknowledge_share(token=token, **form.cleaned_data)
            return redirect("evidence:shared", token=token)
        share = services.open_share(token=token)
    except services.ShareRefused as error:
        return _share_refused(request, error)
    except ValidationError as error:
        apply_service_errors(form, error)
        share = services.open_share(token=token)
    context = {"share": share, "item": share.item, "form": form, "token": token}
    return render(request, "evidence/shared.html", context, status=400 if form.errors else 200)


@never_cache
@require_safe
def shared_file(request: HttpRequest, token: str) -> HttpResponse:
    try:
        return services.shared_file(token=token, range_header=request.headers.get("Range", ""))
    except services.ShareRefused as error:
        return _share_refused(request, error)


# --- Retention: queued deletions, legal holds, tombstones (the station chief) -----------------

_CHIEF = "evidence.delete_evidenceitem"


def _render_retention(request, hold_form=None, status: int = 200) -> HttpResponse:
    context = {
        "pending": selectors.pending_deletions(request.user),
        "holds": selectors.open_holds(request.user),
        "tombstones": selectors.tombstones(request.user)[:100],
        "notice": selectors.latest_notice(request.user),
        "hold_form": hold_form or forms.HoldForm(),
        "reason_form": forms.ReasonForm(),
    }
    return render(request, "evidence/retention.html", context, status=status)


@login_required
@permission_required(_CHIEF, raise_exception=True)
def retention_page(request: HttpRequest) -> HttpResponse:
    return _render_retention(request)


def _messages_of(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@permission_required(_CHIEF, raise_exception=True)
@require_POST
def deletion_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a queued deletion (with why) or undo it while it is not yet carried out."""
    deletion = selectors.deletion_for(request.user, pk)
    try:
        if request.POST.get("action") == "approve":
            services.approve_deletion(
                by=request.user, deletion=deletion, why=request.POST.get("reason", "")
            )
            messages.success(request, _("The deletion was approved."))
        else:
            services.undo_deletion(by=request.user, deletion=deletion)
            messages.success(request, _("The deletion was undone; the item is kept."))
    except ValidationError as error:
        _messages_of(request, error)
    return redirect("evidence:retention")


@login_required
@permission_required(_CHIEF, raise_exception=True)
@require_POST
def hold_place(request: HttpRequest) -> HttpResponse:
    form = forms.HoldForm(request.POST)
    if form.is_valid():
        item = selectors.live_item(request.user, form.cleaned_data["item"])
        if item is None:
            form.add_error("item", _("No evidence item of your station has this number."))
        else:
            try:
                services.place_hold(by=request.user, item=item, reason=form.cleaned_data["reason"])
                messages.success(request, _("The legal hold was placed."))
                return redirect("evidence:retention")
            except ValidationError as error:
                apply_service_errors(form, error)
    return _render_retention(request, hold_form=form, status=400)


@login_required
@permission_required(_CHIEF, raise_exception=True)
@require_POST
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    hold = selectors.hold_for(request.user, pk)
    try:
        services.lift_hold(by=request.user, hold=hold, reason=request.POST.get("reason", ""))
        messages.success(request, _("The legal hold was lifted."))
    except ValidationError as error:
        _messages_of(request, error)
    return redirect("evidence:retention")
