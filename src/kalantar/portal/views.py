"""Public pages (no login): the citizen's front door, file a complaint online, follow it,
check a receipt."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from kalantar.complaints import selectors
from kalantar.complaints import services as complaint_services
from kalantar.complaints.codes import format_tracking_code
from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.receipt_page import receipt_context
from kalantar.complaints.receipts import (
    RECEIPT_PATH,
    ReceiptError,
    signing_key,
    verify_receipt_url,
    well_known_document,
)
from kalantar.complaints.selectors import CitizenView
from kalantar.core import views as core_views
from kalantar.core.forms import apply_service_errors
from kalantar.core.persian import to_latin_digits
from kalantar.core.site import site_url
from kalantar.inspection.selectors import public_inspection
from kalantar.org import places as org_places
from kalantar.org.geo_cache import locate_unit
from kalantar.portal import drafts, limits
from kalantar.portal import selectors as portal_selectors
from kalantar.portal import services as portal_services
from kalantar.portal.forms import OneTimeCodeForm, OnlineComplaintForm, RatingForm, TrackForm


@require_safe
def front_door(request: HttpRequest) -> HttpResponse:
    """The site's root: staff get their home page, everyone else the citizen's landing page
    (filing, tracking, receipts, statistics, help and the way in for staff)."""
    if request.user.is_authenticated:
        return core_views.home(request)
    return render(request, "portal/landing.html")


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/rate_limited.html", status=429)


# --- Filing ------------------------------------------------------------------------------------


def _file_page(
    request: HttpRequest,
    form: OnlineComplaintForm,
    kept_attachments: list | None = None,
    *,
    rate_limited: bool = False,
) -> HttpResponse:
    categories = selectors.active_categories()
    context = {
        "form": form,
        "rate_limited": rate_limited,
        "kept_attachments": kept_attachments or [],
        "anonymous_categories": ",".join(str(c.pk) for c in categories if c.anonymous_allowed),
        "conduct_categories": ",".join(
            str(c.pk) for c in categories if c.route == Category.Route.INSPECTION
        ),
    }
    return render(request, "portal/file.html", context, status=429 if rate_limited else 200)


def _filing_limited(request: HttpRequest) -> bool:
    # Only confirmed filings use up the filing limit; sending the form has a looser one.
    if limits.used_up(request, group=limits.FILING, rate=limits.filing_rate()):
        return True
    return limits.count(request, group=limits.FORM_SUBMISSIONS, rate=limits.form_submission_rate())


@never_cache
@require_http_methods(["GET", "POST"])
def file_complaint(request: HttpRequest) -> HttpResponse:
    draft = drafts.load(request.session)
    if request.method == "GET":
        if draft and request.GET.get("edit"):
            return _file_page(
                request, OnlineComplaintForm(initial=draft.form_data()), draft.attachments
            )
        drafts.discard(request.session)  # a fresh form drops an unconfirmed draft
        return _file_page(request, OnlineComplaintForm())
    keep = draft is not None and request.POST.get("keep_attachments") == "1"
    if _filing_limited(request):
        # Refused, but what the citizen wrote comes back to be sent later (files apart,
        # which a browser cannot be given back); unchecked, so no errors are shown.
        typed = OnlineComplaintForm(initial=request.POST.dict())
        return _file_page(request, typed, draft.attachments if keep else None, rate_limited=True)
    form = OnlineComplaintForm(request.POST, request.FILES)
    if form.is_valid():
        # Only checked here: nothing is written until the citizen confirms.
        checked = selectors.check_filing(draft=form.draft(), by=None)
        if checked.errors:
            apply_service_errors(form, ValidationError(checked.errors))
        else:
            new_files = form.cleaned_data["attachments"]
            uploads = None if keep and not new_files else form.uploads()
            unit_code = checked.handling.code
            drafts.save(request.session, form.cleaned_data, unit_code=unit_code, uploads=uploads)
            return redirect("portal:confirm")
    else:
        form.report_every_error(by=None)
    return _file_page(request, form, draft.attachments if keep else None)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest) -> HttpResponse:
    draft = drafts.load(request.session)
    if draft is None:
        messages.info(request, _("There is no complaint waiting for confirmation."))
        return redirect("portal:file")
    rate_limited = False
    if request.method == "POST":
        if not limits.used_up(request, group=limits.FILING, rate=limits.filing_rate()):
            return _file_draft(request, draft)
        rate_limited = True  # the draft stays, shown again to be confirmed later
    try:
        category = draft.category
    except drafts.DraftExpired:
        return _draft_expired(request)
    context = {
        "draft": draft,
        "fields": draft.fields,
        "category": category,
        "incident_at": draft.incident_at,
        "unit": portal_selectors.public_unit(draft.unit_code),
        "rate_limited": rate_limited,
    }
    return render(request, "portal/confirm.html", context, status=429 if rate_limited else 200)


def _draft_expired(request: HttpRequest) -> HttpResponse:
    drafts.discard(request.session)
    messages.error(
        request,
        _("Your complaint waited too long and was not filed. Please fill in the form again."),
    )
    return redirect("portal:file")


def _file_draft(request: HttpRequest, draft: drafts.Draft) -> HttpResponse:
    try:
        complaint = complaint_services.file_complaint(
            by=None,
            channel=Complaint.Channel.ONLINE,
            draft=draft.complaint_draft(),
            attachments=drafts.read_attachments(draft),
        )
    except drafts.DraftExpired:
        return _draft_expired(request)
    except ValidationError as error:
        # Something changed since the check (the clock, a category): back to the form.
        form = OnlineComplaintForm(draft.form_data())
        form.is_valid()
        apply_service_errors(form, error)
        return _file_page(request, form, draft.attachments)
    limits.count(request, group=limits.FILING, rate=limits.filing_rate())
    drafts.discard(request.session)
    drafts.remember_filed(request.session, complaint.tracking_code)
    return redirect("portal:receipt", code=complaint.tracking_code)


@never_cache
@require_GET
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt of a complaint filed in this session; anyone else gets "not found"."""
    if not drafts.filed_here(request.session, code):
        raise Http404
    complaint = portal_selectors.complaint_with_receipt(code)
    if complaint is None:
        raise Http404
    context = receipt_context(complaint, request.GET.get("layout", "a5"), request)
    context["back_url"] = f"{reverse('portal:track')}?code={complaint.tracking_code}"
    return render(request, "complaints/receipt.html", context)


@require_GET
@cache_control(public=True, max_age=300)
def jurisdictions_geojson(request: HttpRequest) -> JsonResponse:
    """The stations' areas and names for the map picker; nothing else about the units."""
    return JsonResponse(portal_selectors.public_jurisdictions())


def _coordinate(request: HttpRequest, name: str, bound: float) -> float | None:
    try:
        value = float(to_latin_digits(request.GET.get(name, "")).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) and -bound <= value <= bound else None


@require_GET
def places(request: HttpRequest) -> JsonResponse:
    """Unit names for the citizens' map: its labels, or a search. Never an address: the
    places citizens recorded are theirs alone."""
    query = request.GET.get("q", "")
    if not query.strip():
        return JsonResponse(org_places.feature_collection(org_places.unit_places()))
    found = org_places.search(None, query, public=True)
    return JsonResponse(org_places.feature_collection(found))


@require_GET
def locate(request: HttpRequest) -> JsonResponse:
    """Whose jurisdiction a point is in, for the map picker."""
    lon, lat = _coordinate(request, "lon", 180), _coordinate(request, "lat", 90)
    if lon is None or lat is None:
        return JsonResponse({"error": _("Give lon and lat in degrees.")}, status=400)
    unit = locate_unit(lon, lat)
    if unit is None:
        return JsonResponse({"inside": False})
    return JsonResponse(
        {"inside": True, "code": unit.code, "name": unit.name, "name_en": unit.name_en}
    )


# --- Following a complaint -----------------------------------------------------------------------


def _track_page(request: HttpRequest, form: TrackForm, *, not_found: bool = False) -> HttpResponse:
    return render(request, "portal/track.html", {"form": form, "not_found": not_found})


def _not_found(request: HttpRequest) -> HttpResponse:
    # A blank form: echoing what was typed would tell a wrong code from a wrong secret.
    return _track_page(request, TrackForm(), not_found=True)


def _status_page(
    request: HttpRequest, view: CitizenView, secret: str, rating_form: RatingForm | None = None
) -> HttpResponse:
    if rating_form is None and view.can_rate:
        rating_form = RatingForm(initial={"code": view.tracking_code, "secret": secret})
    context = {
        "view": view,
        "rating_form": rating_form if view.can_rate else None,
        "inspection": public_inspection(view.tracking_code),
    }
    return render(request, "portal/track.html", context)


VERIFIED_CODES = "portal.verified_codes"  # session: codes whose one-time code was given here


def _one_time_code_page(request: HttpRequest, form: TrackForm) -> HttpResponse:
    """Asks for the SMS code; the same page whether the code and secret were right or not."""
    data = {"code": form.cleaned_data["code"], "secret": form.cleaned_data["secret"]}
    return render(request, "portal/track.html", {"otp_form": OneTimeCodeForm(initial=data)})


def _verified_here(request: HttpRequest, code: str) -> bool:
    return code in request.session.get(VERIFIED_CODES, [])


def _remember_verified(request: HttpRequest, code: str) -> None:
    # Later look-ups and the rating from this browser need the secret, not another SMS.
    codes = request.session.get(VERIFIED_CODES, [])
    if code not in codes:
        request.session[VERIFIED_CODES] = [*codes[-9:], code]


def _lookup(request: HttpRequest, form: TrackForm, purpose: str) -> CitizenView | HttpResponse:
    """The citizen's view for a valid form, or the response to give instead."""
    code, secret = form.cleaned_data["code"], form.cleaned_data["secret"]
    group = limits.lookup_by_code_group(code)
    # Look-ups are reads: with the shared cache down they go on unlimited (limits.py).
    if limits.count(request, group=group, rate=settings.STATUS_LOOKUP_RATE_PER_CODE, write=False):
        return too_many_requests(request)
    failures = {"group": limits.LOOKUP_FAILURES, "key": limits.by_code(code), "write": False}
    challenged = limits.used_up(request, **failures, rate=limits.failure_rate())
    challenged = challenged and not _verified_here(request, code)
    one_time_code = form.cleaned_data.get("otp", "")
    answer = portal_services.citizen_lookup(
        code, secret, purpose=purpose, challenged=challenged, one_time_code=one_time_code
    )
    if answer.asks_one_time_code:
        return _one_time_code_page(request, form)
    if answer.view is None:
        limits.count(request, **failures, rate=limits.failure_rate())
        return _not_found(request)
    if challenged:
        _remember_verified(request, code)
    return answer.view


def _address_limited(request: HttpRequest) -> bool:
    rate = settings.STATUS_LOOKUP_RATE_PER_ADDRESS
    return limits.count(request, group=limits.LOOKUP_BY_ADDRESS, rate=rate, write=False)


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _track_page(request, TrackForm(initial={"code": request.GET.get("code", "")[:32]}))
    if _address_limited(request):
        return too_many_requests(request)
    form = TrackForm(request.POST)
    if not form.is_valid():
        return _track_page(request, form)
    result = _lookup(request, form, "status")
    if isinstance(result, HttpResponse):
        return result
    return _status_page(request, result, form.cleaned_data["secret"])


@never_cache
@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    """Rate a closed complaint; the code and national code/mobile are checked again."""
    if _address_limited(request):
        return too_many_requests(request)
    form = RatingForm(request.POST)
    form.is_valid()
    if "code" not in form.cleaned_data or "secret" not in form.cleaned_data:
        return _not_found(request)
    result = _lookup(request, form, "rate")
    if isinstance(result, HttpResponse):
        return result
    secret = form.cleaned_data["secret"]
    if form.is_valid():
        complaint = portal_selectors.complaint_to_rate(result.tracking_code)
        try:
            complaint_services.rate_complaint(
                complaint=complaint,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you. Your rating has been recorded."))
            result = selectors.citizen_view(result.tracking_code, secret) or result
            return _status_page(request, result, secret)
    return _status_page(request, result, secret, rating_form=form)


# --- Receipts ------------------------------------------------------------------------------------


@require_GET
def verify_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """Check the signed receipt URL exactly as it arrived, and compare it with the record."""
    url = f"{request.path}?{request.META.get('QUERY_STRING', '')}"
    try:
        facts = verify_receipt_url(url, signing_key().public_key())
    except ReceiptError:
        return render(request, "portal/verify_receipt.html", {"verified": False})
    record = portal_selectors.receipt_record(facts)
    context = {
        "verified": True,
        "facts": facts,
        "code_display": format_tracking_code(facts.tracking_code),
        "station": record.station,
        "category": record.category,
        "on_record": record.on_record,
        "matches": record.matches,
    }
    return render(request, "portal/verify_receipt.html", context)


@require_GET
def check_receipt(request: HttpRequest) -> HttpResponse:
    """A receipt's link pasted by hand (the QR code opens /r/… by itself): only its path and
    query are kept, so the check always happens here, never at an address the text names."""
    text = to_latin_digits(request.GET.get("link", "")).strip()
    if not text:
        return render(request, "portal/check_receipt.html")
    parts = urlsplit(text if "://" in text else f"https://receipt.invalid/{text.lstrip('/')}")
    if not parts.path.startswith(RECEIPT_PATH) or len(parts.path) <= len(RECEIPT_PATH):
        error = _(
            "This is not a receipt link. It starts with the site's address followed by "
            "/r/ and the tracking code; copy it whole from the QR code."
        )
        return render(
            request, "portal/check_receipt.html", {"error": error, "link": text}, status=400
        )
    return redirect(f"{parts.path}?{parts.query}")


@require_GET
@cache_control(public=True, max_age=3600)
def receipt_key(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(well_known_document(signing_key(), site_url(request)))
    # Anyone may check a receipt, including from a web page of their own.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/help.html")
