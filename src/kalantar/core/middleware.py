from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kalantar.core.context import reset_ip, set_ip


def client_ip(request: HttpRequest) -> str | None:
    # Behind a trusted proxy the proxy sets REMOTE_ADDR through the ASGI server's
    # --proxy-headers option; we never trust X-Forwarded-For from the client here.
    return request.META.get("REMOTE_ADDR") or None


# Without an address (a Unix socket and no proxy header) django-ratelimit raises, which
# turned a public check into a 500; such requests now share one count instead.
UNKNOWN_ADDRESS = "0.0.0.0"


def rate_limit_address(request: HttpRequest) -> str:
    """The address django-ratelimit counts a request by (RATELIMIT_IP_META_KEY)."""
    return client_ip(request) or UNKNOWN_ADDRESS


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
