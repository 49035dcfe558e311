"""The Open311 resources: each parses its call, asks one selector or service, renders."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from kalantar.complaints.open311 import keys, parsing, selectors, serializers, services
from kalantar.complaints.open311.errors import Open311Error, RateLimited
from kalantar.org.models import Unit


def render(fmt: str, root: str, data: Any, status: int = 200) -> HttpResponse:
    """`data` as JSON, or as XML under the element `root`, in the active language."""
    body, content_type = serializers.encode(fmt, root, data)
    response = HttpResponse(body, content_type=content_type, status=status)
    response["Content-Language"] = translation.get_language() or settings.LANGUAGE_CODE
    return response


def render_errors(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    return render(fmt, "errors", serializers.error_list(status, descriptions), status=status)


def _language(params: parsing.Params) -> str:
    """`?locale=` when it names a language we speak; otherwise what LocaleMiddleware chose."""
    return parsing.language(params) or translation.get_language() or settings.LANGUAGE_CODE


def _endpoint(*methods: str) -> Callable:
    """Answer in the format of the URL's suffix, in the asked language, errors included; the
    view gets the call's parameters and the province `jurisdiction_id` names."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
            params = parsing.Params.of(request)
            with translation.override(_language(params)):
                if request.method not in methods:
                    response = render_errors(
                        fmt, 405, [_("This resource does not accept that HTTP method.")]
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                try:
                    province = selectors.province(params.get("jurisdiction_id"))
                    return view(request, fmt, params=params, province=province, **kwargs)
                except Open311Error as error:
                    response = render_errors(fmt, error.status, error.descriptions)
                    if isinstance(error, RateLimited):
                        response["Retry-After"] = str(error.retry_after)
                    return response

        return wrapped

    return decorate


@_endpoint("GET")
def discovery(
    request: HttpRequest, fmt: str, params: parsing.Params, province: Unit | None
) -> HttpResponse:
    """The Service Discovery document for this endpoint."""
    base = reverse("open311:discovery", kwargs={"fmt": fmt}).rsplit("/", 1)[0]
    document = serializers.discovery(
        url=settings.SITE_URL.rstrip("/") + base, contact=settings.SITE_URL
    )
    return render(fmt, "discovery", document)


@_endpoint("GET")
def service_list(
    request: HttpRequest, fmt: str, params: parsing.Params, province: Unit | None
) -> HttpResponse:
    return render(fmt, "services", [serializers.service(c) for c in selectors.categories()])


@_endpoint("GET")
def service_definition(
    request: HttpRequest, fmt: str, params: parsing.Params, province: Unit | None, code: str
) -> HttpResponse:
    category = selectors.category(code)
    return render(fmt, "service_definition", serializers.service_definition(category))


@csrf_exempt  # authenticated by api_key, not by a session, so there is no CSRF to forge
@_endpoint("GET", "POST")
def request_list(
    request: HttpRequest, fmt: str, params: parsing.Params, province: Unit | None
) -> HttpResponse:
    if request.method == "POST":
        complaint = services.file_report(params=params, province=province)
        return render(fmt, "service_requests", [serializers.created(complaint)])
    rows = selectors.request_list(province, parsing.request_filter(params))
    return render(fmt, "service_requests", [serializers.service_request(c) for c in rows])


@_endpoint("GET")
def request_detail(
    request: HttpRequest, fmt: str, params: parsing.Params, province: Unit | None, request_id: str
) -> HttpResponse:
    # A reader's api_key also opens the requests that key filed.
    key = keys.key_for(params.get("api_key"))
    complaint = selectors.one_request(request_id, province=province, key=key)
    return render(fmt, "service_requests", [serializers.service_request(complaint)])


@_endpoint("GET")
def token_detail(
    request: HttpRequest, fmt: str, params: parsing.Params, province: Unit | None, token: str
) -> HttpResponse:
    """A request's token is its Open311 id (requests are registered synchronously)."""
    key = keys.key_for(params.get("api_key"))
    try:
        complaint = selectors.one_request(token, province=province, key=key)
    except Open311Error as error:
        raise Open311Error(404, _("Token %(token)s was not found.") % {"token": token}) from error
    return render(fmt, "service_requests", [serializers.token(complaint)])


def not_found(request: HttpRequest, path: str) -> HttpResponse:
    """Any other address under the endpoint: a 404 in the standard's shape."""
    fmt = "xml" if path.endswith(".xml") else "json"
    with translation.override(_language(parsing.Params.of(request))):
        return render_errors(
            fmt,
            404,
            [_("No such Open311 resource; addresses end in .json or .xml.")],
        )
