"""The site's public address, for links that leave the browser (QR codes, printed text)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def site_url(request: HttpRequest | None = None) -> str:
    """The address without a trailing slash.

    In production it is SITE_URL, never taken from a request (the Host header is the
    client's to write). In development it is the address the page was asked on, so a demo
    served on another port or host prints QR codes that open on it.
    """
    if settings.PRODUCTION or request is None:
        return settings.SITE_URL.rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")
