"""Open311 GeoReport v2: the service list, service definitions, reporting and status for
citizens' applications, in JSON and XML (the format is the URL's suffix).

Reads are public, as the standard expects, so the public list holds only complaints about
public space (categories marked publishable: noise, hazards), never a complaint about a person
or an officer (nothing routed to inspection, nothing naming an officer). A request shows only
what anyone may see: the category, the one-line summary, the handling unit, the dates, the
street of the address (never an alley, plaque or any number: `addresses.public_street`) and
the location rounded to 3 decimals (about 100 m). Never a name, national code, phone number or
the narrative. A request of another category is answered only to the API key that filed it.

Requests are known by their Open311 id (`Complaint.open311_id`), random and unrelated to the
tracking code: the tracking code is the citizen's key to the status page and is never
published. Reporting needs an API key (`kalantar create_open311_key`), limited per key
(OPEN311_FILING_RATE); each report is filed through `services.file_complaint`.

Reports are registered at once, so services are of type "realtime" and POST returns the
Open311 id as service_request_id. The token resource still answers: a request's token is its
Open311 id, which needs no shared state between processes.

`jurisdiction_id` is optional; when given it must be a province code (e.g. "HM") and limits
reads to that province and reports to places inside it.
"""

from __future__ import annotations

import functools
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import get_usage

from kalantar.complaints import open311_keys, services, workflow
from kalantar.complaints.addresses import public_street
from kalantar.complaints.models import Category, Complaint, ComplaintEvent, Open311Key
from kalantar.core import audit
from kalantar.core.persian import active_digits, format_number, localized, to_latin_digits
from kalantar.org.geo_cache import locate_unit
from kalantar.org.models import Unit

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The date this API last changed; clients compare it to notice changes. Update with the API.
CHANGESET = "2026-11-24T00:00:00+03:30"
DEFAULT_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
SUMMARY_LENGTH = 120
DESCRIPTION_LIMIT = 4000  # the standard's limit for a description
NAME_LIMIT = Complaint._meta.get_field("complainant_name").max_length
ADDRESS_LIMIT = Complaint._meta.get_field("location_text").max_length
COORDINATE_DECIMALS = 3  # about 100 m: enough to see the area, not the house
# Dates outside these years are nobody's complaint; refusing them also keeps the date
# arithmetic (a window of 90 days around them) inside what datetime can hold.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2200
FILING_LIMIT_GROUP = "open311.filing"

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"
# In XML a list is an element holding one child per item; these name the children.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
# Characters XML 1.0 cannot carry at all, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
NATIONAL_CODE_ATTRIBUTE = "national_code"

# The complaint fields file_complaint reports errors on, as the Open311 parameters behind them.
PARAMETERS = {
    "summary": "description",
    "narrative": "description",
    "complainant_name": "first_name, last_name",
    "national_code": f"attribute[{NATIONAL_CODE_ATTRIBUTE}]",
    "mobile": "phone",
    "location": "lat, long",
    "category": "service_code",
}

# The citizen's text per status, except that an Open311 reader cannot see a rejection's reason.
STATUS_NOTES = {
    **workflow.CITIZEN_TEXT,
    workflow.REJECTED: gettext_lazy(
        "The complaint could not be accepted; the complainant can see the reason on the "
        "status page."
    ),
}


class Open311Error(Exception):
    """An error answered in the standard's shape: a list of {code, description}."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = list(dict.fromkeys(descriptions))  # unique, in order


class RateLimited(Open311Error):
    """A key over its filing limit: 429, with the seconds to wait."""

    def __init__(self, retry_after: int):
        super().__init__(
            429,
            _("This api_key has sent too many reports; try again in %(seconds)s seconds.")
            % {"seconds": _number(retry_after)},
        )
        self.retry_after = retry_after


# ---------------------------------------------------------------- rendering


def _xml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_ILLEGAL.sub("", str(value))


def _xml_element(name: str, value: Any) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, dict):
        element.extend(_xml_element(key, item) for key, item in value.items())
    elif isinstance(value, list):
        element.extend(_xml_element(XML_ITEMS[name], item) for item in value)
    elif value is not None:
        element.text = _xml_text(value)
    return element


def render(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under the element `root` (the JSON form has no root)."""
    if fmt == "xml":
        body = ET.tostring(_xml_element(root, data), encoding="utf-8", xml_declaration=True)
        response = HttpResponse(body, content_type=XML_TYPE, status=status)
    else:
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        response = HttpResponse(body.encode(), content_type=JSON_TYPE, status=status)
    response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
    return response


def render_errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    errors = [{"code": status, "description": str(text)} for text in descriptions]
    return render(fmt, "errors", errors, status=status)


# ---------------------------------------------------------------- request parsing


def _param(request: HttpRequest, name: str) -> str:
    """A parameter from the form body (POST) or the query string; empty counts as absent."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None:
        value = request.GET.get(name)
    return (value or "").strip()


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _language(request: HttpRequest) -> str:
    """`?locale=` when it names a language we speak; otherwise what LocaleMiddleware chose."""
    asked = _param(request, "locale").replace("_", "-").lower().split("-")[0]
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language() or settings.LANGUAGE_CODE


def _province(request: HttpRequest) -> Unit | None:
    code = _param(request, "jurisdiction_id")
    if not code:
        return None
    province = Unit.objects.filter(
        code=code.upper(), kind=Unit.Kind.PROVINCE, is_active=True
    ).first()
    if province is None:
        raise Open311Error(
            404,
            _("jurisdiction_id “%(id)s” was not found; use the code of a province.") % {"id": code},
        )
    return province


def _endpoint(*methods: str) -> Callable:
    """Answer in the format of the URL's suffix, in the asked language, errors included."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            with translation.override(_language(request)):
                if request.method not in methods:
                    response = render_errors(
                        fmt, 405, [_("This resource does not accept that HTTP method.")]
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                try:
                    return view(request, fmt, province=_province(request), **kwargs)
                except Open311Error as error:
                    response = render_errors(fmt, error.status, error.descriptions)
                    if isinstance(error, RateLimited):
                        response["Retry-After"] = str(error.retry_after)
                    return response

        return wrapped

    return decorate


# ---------------------------------------------------------------- serialisation


def _localized(name: str, name_en: str) -> str:
    return localized(name, name_en)


def _number(n: int) -> str:
    return format_number(n, digits=active_digits(), grouping=False)


def _w3c(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset of Iran's time, as the standard requires an offset."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _coarse(value: float | None) -> float | None:
    return None if value is None else round(value, COORDINATE_DECIMALS)


def service_notice(category: Category) -> str:
    numbers = {
        "hours": _number(category.first_action_hours),
        "days": _number(category.closure_days),
    }
    if category.route == Category.Route.INSPECTION:
        text = _(
            "The province's inspection office will act within %(hours)s hours; expected "
            "closure within %(days)s days."
        )
    elif category.refer_to_agency:
        text = _(
            "The station will refer this to the responsible agency within %(hours)s hours and "
            "follow it up; expected closure within %(days)s days."
        )
    else:
        text = _(
            "The station will act within %(hours)s hours; expected closure within %(days)s days."
        )
    return text % numbers


def _group(category: Category) -> str:
    if category.route == Category.Route.INSPECTION:
        return _("Police conduct")
    if category.refer_to_agency:
        return _("Public spaces")
    return _("Crime and safety")


def _service_description(category: Category) -> str:
    if category.anonymous_allowed:
        who = _("May be reported anonymously.")
    else:
        who = _(
            "Needs the reporter's first_name, last_name and national code "
            "(attribute[national_code])."
        )
    parts = [service_notice(category), who]
    if category.route == Category.Route.INSPECTION:
        parts.append(
            _(
                "Reports of this kind never appear in Open311, not even to the application "
                "that filed one: the complainant follows it with the tracking code sent by SMS."
            )
        )
    elif not category.publishable:
        parts.append(
            _(
                "Reports of this kind are not published: only the application that filed one "
                "can read it."
            )
        )
    return " ".join(parts)


def attributes(category: Category) -> list[dict[str, Any]]:
    """The service definition's attributes: what a report of this kind must carry beyond the
    standard's fields. A category that may not be reported anonymously needs the reporter's
    national code."""
    if category.anonymous_allowed:
        return []
    return [
        {
            "variable": True,
            "code": NATIONAL_CODE_ATTRIBUTE,
            "datatype": "string",
            "required": True,
            "datatype_description": _("Ten digits, in Persian or Latin digits."),
            "order": 1,
            "description": _(
                "The reporter's national code (کد ملی), as on the national identity card. "
                "With first_name and last_name it identifies the complainant; it is never "
                "published."
            ),
        }
    ]


def service(category: Category) -> dict[str, Any]:
    keywords = dict.fromkeys(k for k in (category.name, category.name_en, category.code) if k)
    return {
        "service_code": category.code,
        "service_name": _localized(category.name, category.name_en),
        "description": _service_description(category),
        "metadata": bool(attributes(category)),
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": _group(category),
    }


def service_request(complaint: Complaint) -> dict[str, Any]:
    """What anyone may read of a complaint: no personal data, the street at most, a coarse
    location."""
    updated = getattr(complaint, "public_updated_at", None) or complaint.filed_at
    return {
        "service_request_id": complaint.open311_id,
        "status": "open" if complaint.is_open else "closed",
        "status_notes": str(STATUS_NOTES.get(complaint.status, "")) or None,
        "service_name": _localized(complaint.category.name, complaint.category.name_en),
        "service_code": complaint.category.code,
        "description": complaint.summary,
        "agency_responsible": _localized(complaint.unit.name, complaint.unit.name_en),
        "service_notice": service_notice(complaint.category),
        "requested_datetime": _w3c(complaint.filed_at),
        "updated_datetime": _w3c(updated),
        "expected_datetime": _w3c(complaint.closure_due),
        "address": public_street(complaint.location_text) or None,
        "lat": _coarse(complaint.lat),
        "long": _coarse(complaint.lon),
    }


# ---------------------------------------------------------------- reads


def _never_in_open311() -> Q:
    """Complaints about officers: routed to inspection, or naming an officer, whatever their
    category. Not even the application that filed one reads them here."""
    return (
        Q(category__route=Category.Route.INSPECTION)
        | Q(unit__kind=Unit.Kind.INSPECTION)
        | ~Q(accused_officer="")
    )


def public_requests(
    province: Unit | None = None, key: Open311Key | None = None
) -> QuerySet[Complaint]:
    """Complaints as Open311 readers see them, newest first: those of publishable categories,
    and with `key` also those that key filed."""
    readable = Q(category__publishable=True)
    if key is not None:
        readable |= Q(open311_key=key)
    # Only citizen-visible events count: for a closed request the last one is its closing.
    last_public = (
        ComplaintEvent.objects.filter(complaint=OuterRef("pk"), public=True)
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    rows = (
        Complaint.objects.select_related("category", "unit")
        .filter(readable)
        .exclude(_never_in_open311())
        .annotate(public_updated_at=Subquery(last_public))
        .order_by("-filed_at")
    )
    if province is not None:
        rows = rows.filter(unit__path__startswith=province.path)
    return rows


def _parse_w3c(text: str, parameter: str, *, end: bool = False) -> datetime:
    # An unescaped "+" in a query string arrives as a space: "…T10:00:00 03:30".
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", to_latin_digits(text))
    try:
        day = parse_date(text) if "T" not in text.upper() else None
        moment = parse_datetime(text) if day is None else None
    except ValueError:
        day = moment = None
    if day is not None:
        # A date alone means the whole day, in Iran's time.
        moment = datetime.combine(day, time.max if end else time.min)
    if moment is None:
        raise Open311Error(
            400,
            _("%(parameter)s must be a W3C date and time, such as 2025-03-21T08:00:00+03:30.")
            % {"parameter": parameter},
        )
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        raise Open311Error(
            400,
            _("%(parameter)s must be a date between the years %(first)s and %(last)s.")
            % {
                "parameter": parameter,
                "first": _number(EARLIEST_YEAR),
                "last": _number(LATEST_YEAR),
            },
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _date_window(request: HttpRequest) -> tuple[datetime, datetime | None]:
    start_text, end_text = _param(request, "start_date"), _param(request, "end_date")
    start = _parse_w3c(start_text, "start_date") if start_text else None
    end = _parse_w3c(end_text, "end_date", end=True) if end_text else None
    if start is None and end is None:
        return timezone.now() - DEFAULT_SPAN, None
    start = start or end - DEFAULT_SPAN
    end = end or start + DEFAULT_SPAN
    if end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if end - start > DEFAULT_SPAN:
        raise Open311Error(
            400,
            _("start_date and end_date may not span more than %(days)s days.")
            % {"days": _number(DEFAULT_SPAN.days)},
        )
    return start, end


def _status_filter(text: str) -> Q:
    statuses = set(_csv(text.lower()))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open, closed or both (comma separated)."))
    if statuses == {"open"}:
        return Q(status__in=workflow.OPEN_STATUSES)
    if statuses == {"closed"}:
        return ~Q(status__in=workflow.OPEN_STATUSES)
    return Q()


def _filtered(request: HttpRequest, rows: QuerySet[Complaint]) -> QuerySet[Complaint]:
    ids = _csv(_param(request, "service_request_id"))
    if ids:  # the standard: ids override every other filter
        return rows.filter(open311_id__in=[i.lower() for i in ids[:MAX_REQUESTS]])
    codes = _csv(_param(request, "service_code"))
    if codes:
        rows = rows.filter(category__code__in=codes)
    rows = rows.filter(_status_filter(_param(request, "status")))
    start, end = _date_window(request)
    rows = rows.filter(filed_at__gte=start)
    return rows.filter(filed_at__lte=end) if end is not None else rows


def _reader_key(request: HttpRequest) -> Open311Key | None:
    """The API key a reader sent, if any: it also opens the requests that key filed."""
    return open311_keys.key_for(_param(request, "api_key"))


def _one_request(request: HttpRequest, request_id: str, province: Unit | None) -> Complaint:
    rows = public_requests(province, key=_reader_key(request))
    complaint = rows.filter(open311_id=request_id.lower()).first()
    if complaint is None:
        raise Open311Error(404, _("Service request %(id)s was not found.") % {"id": request_id})
    return complaint


# ---------------------------------------------------------------- reporting


def _location(request: HttpRequest) -> tuple[float, float]:
    lat_text, lon_text = _param(request, "lat"), _param(request, "long")
    if not lat_text and not lon_text:
        if _param(request, "address_string") or _param(request, "address_id"):
            raise Open311Error(
                400,
                _(
                    "lat and long are required: reports go to the station whose jurisdiction "
                    "holds the place, which an address alone cannot tell. Send address_string "
                    "with them to describe the place."
                ),
            )
        raise Open311Error(400, _("lat and long were not provided."))
    try:
        lat, lon = float(to_latin_digits(lat_text)), float(to_latin_digits(lon_text))
    except ValueError:
        lat = lon = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise Open311Error(400, _("lat and long must both be given as WGS84 decimal degrees."))
    return lat, lon


def _check_inside(province: Unit | None, lat: float, lon: float) -> None:
    if province is None:
        return
    station = locate_unit(lon, lat)
    if station is not None and not station.path.startswith(province.path):
        raise Open311Error(
            400,
            _("The place is outside jurisdiction %(id)s.") % {"id": province.code},
        )


def _category(code: str) -> Category:
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = Category.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Open311Error(404, _("service_code “%(code)s” was not found.") % {"code": code})
    return category


def _attributes(request: HttpRequest) -> dict[str, list[str]]:
    """attribute[code]=value and attribute[code][]=value1&…, as {code: [values]}."""
    found: dict[str, list[str]] = {}
    for key in request.POST:
        match = _ATTRIBUTE.match(key)
        if match:
            values = [v.strip() for v in request.POST.getlist(key) if v.strip()]
            found.setdefault(match.group(1), []).extend(values)
    return found


def _summary(description: str) -> str:
    first_line = next((line.strip() for line in description.splitlines() if line.strip()), "")
    if len(first_line) <= SUMMARY_LENGTH:
        return first_line
    return first_line[: SUMMARY_LENGTH - 1].rstrip() + "…"


def _narrative(description: str, attributes: dict[str, list[str]], request: HttpRequest) -> str:
    """The description, then what else the application sent, for the station's eyes only."""
    extra = [f"{code}: {', '.join(values)}" for code, values in attributes.items() if values]
    if email := _param(request, "email"):
        extra.append(_("Email: %(email)s") % {"email": email})
    if media := _param(request, "media_url"):
        extra.append(_("Media: %(url)s") % {"url": media})
    return "\n\n".join(part for part in (description, "\n".join(extra)) if part)


def _complainant(request: HttpRequest, category: Category, national_code: str) -> dict[str, Any]:
    name = " ".join(p for p in (_param(request, "first_name"), _param(request, "last_name")) if p)
    if len(name) > NAME_LIMIT:
        raise Open311Error(
            400,
            _("first_name and last_name together may have at most %(n)s characters.")
            % {"n": _number(NAME_LIMIT)},
        )
    return {
        "complainant_name": name,
        "national_code": national_code,
        "mobile": _param(request, "phone"),
        # Open311 has no flag for it: a report with no identity is anonymous where allowed.
        "is_anonymous": category.anonymous_allowed and not name and not national_code,
    }


def _descriptions(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return [
        f"{PARAMETERS.get(field, field)}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def _count_filing(request: HttpRequest, key: Open311Key) -> None:
    """Count a report against its key's limit; RateLimited when over it.

    Every report with a valid key counts, refused ones included: a flood of bad reports
    costs the service as much as a flood of good ones.
    """
    usage = get_usage(
        request,
        group=FILING_LIMIT_GROUP,
        key=lambda group, request: key.digest,
        rate=settings.OPEN311_FILING_RATE,
        increment=True,
    )
    if usage is not None and usage["should_limit"]:
        raise RateLimited(max(1, int(usage["time_left"])))


def _file(request: HttpRequest, province: Unit | None) -> Complaint:
    key = open311_keys.key_for(_param(request, "api_key"))
    if key is None:
        raise Open311Error(403, _("Missing or invalid api_key: the request was not registered."))
    _count_filing(request, key)
    category = _category(_param(request, "service_code"))
    lat, lon = _location(request)
    _check_inside(province, lat, lon)
    description = _param(request, "description")
    address = _param(request, "address_string")
    if not description:
        raise Open311Error(400, _("description was not provided."))
    if len(description) > DESCRIPTION_LIMIT:
        raise Open311Error(
            400,
            _("description may have at most %(n)s characters.") % {"n": _number(DESCRIPTION_LIMIT)},
        )
    if len(address) > ADDRESS_LIMIT:
        raise Open311Error(
            400,
            _("address_string may have at most %(n)s characters.") % {"n": _number(ADDRESS_LIMIT)},
        )
    attributes = _attributes(request)
    national_code = (attributes.pop(NATIONAL_CODE_ATTRIBUTE, None) or [""])[0]
    try:
        with transaction.atomic():
            complaint = services.file_complaint(
                by=None,
                channel=Complaint.Channel.OPEN311,
                category=category,
                incident_at=timezone.now(),  # Open311 has no time of the incident
                summary=_summary(description),
                narrative=_narrative(description, attributes, request),
                lat=lat,
                lon=lon,
                location_text=address,
                **_complainant(request, category, national_code),
            )
            Complaint.objects.filter(pk=complaint.pk).update(open311_key=key)
            complaint.open311_key = key
            # Which application sent it, next to the filing's own audit entry.
            audit.record(
                "complaints.open311.report",
                obj=complaint,
                detail={"key": key.prefix, "application": key.name},
            )
    except ValidationError as error:
        raise Open311Error(400, *_descriptions(error)) from error
    return complaint


# ---------------------------------------------------------------- views


@_endpoint("GET")
def discovery(request: HttpRequest, fmt: str, province: Unit | None) -> HttpResponse:
    """The Service Discovery document for this endpoint."""
    base = reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
    endpoint = {
        "specification": SPECIFICATION,
        "url": settings.SITE_URL.rstrip("/") + base,
        "changeset": CHANGESET,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": settings.SITE_URL,
            "key_service": _(
                "Reading needs no key; keys for reporting are issued by this site's administrators."
            ),
            "endpoints": [endpoint],
        },
    )


@_endpoint("GET")
def service_list(request: HttpRequest, fmt: str, province: Unit | None) -> HttpResponse:
    categories = Category.objects.filter(is_active=True).order_by("sort_order", "code")
    return render(fmt, "services", [service(c) for c in categories])


@_endpoint("GET")
def service_definition(
    request: HttpRequest, fmt: str, province: Unit | None, code: str
) -> HttpResponse:
    category = _category(code)
    return render(
        fmt,
        "service_definition",
        {"service_code": category.code, "attributes": attributes(category)},
    )


@csrf_exempt  # authenticated by api_key, not by a session, so there is no CSRF to forge
@_endpoint("GET", "POST")
def request_list(request: HttpRequest, fmt: str, province: Unit | None) -> HttpResponse:
    if request.method == "POST":
        complaint = _file(request, province)
        created = {
            "service_request_id": complaint.open311_id,
            "service_notice": service_notice(complaint.category),
            "account_id": None,
        }
        return render(fmt, "service_requests", [created])
    rows = _filtered(request, public_requests(province))[:MAX_REQUESTS]
    return render(fmt, "service_requests", [service_request(c) for c in rows])


@_endpoint("GET")
def request_detail(
    request: HttpRequest, fmt: str, province: Unit | None, request_id: str
) -> HttpResponse:
    complaint = _one_request(request, request_id, province)
    return render(fmt, "service_requests", [service_request(complaint)])


@_endpoint("GET")
def token_detail(request: HttpRequest, fmt: str, province: Unit | None, token: str) -> HttpResponse:
    """A request's token is its Open311 id (requests are registered synchronously)."""
    try:
        complaint = _one_request(request, token, province)
    except Open311Error as error:
        raise Open311Error(404, _("Token %(token)s was not found.") % {"token": token}) from error
    return render(
        fmt,
        "service_requests",
        [{"service_request_id": complaint.open311_id, "token": complaint.open311_id}],
    )


def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Any other address under the endpoint: a 404 in the standard's shape."""
    fmt = "xml" if path.endswith(".xml") else "json"
    with translation.override(_language(request)):
        return render_errors(
            fmt,
            404,
            [_("No such Open311 resource; addresses end in .json or .xml.")],
        )
