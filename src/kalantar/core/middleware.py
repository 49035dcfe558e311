from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kalantar.core.context import reset_ip, set_ip


def client_ip(request: HttpRequest) -> str | None:
    # Behind a trusted proxy the proxy sets REMOTE_ADDR through the ASGI server's
    # --proxy-headers option; we never trust X-Forwarded-For from the client here.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the client's address available to services for their audit entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_ip(token)
