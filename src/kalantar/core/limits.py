"""Rate limits of public pages and endpoints, counted per address in the shared cache by
django-ratelimit. Every app counts through these two functions, so every limit keys on the
same address (core.middleware.rate_limit_address) and answers the same way."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django_ratelimit.core import get_usage, is_ratelimited

BY_ADDRESS = "ip"

Key = str | Callable[[str, HttpRequest], str]


def count(request: HttpRequest, *, group: str, rate: str, key: Key = BY_ADDRESS) -> bool:
    """Count this request; True when it goes over the limit."""
    return is_ratelimited(request, group=group, key=key, rate=rate, increment=True)


def used_up(request: HttpRequest, *, group: str, rate: str, key: Key = BY_ADDRESS) -> bool:
    """Whether one more would go over the limit, without counting this request."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=False)
    return usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"])
