"""Rate limits of public pages and endpoints, counted per address in the shared cache by
django-ratelimit. Every app counts through these functions, so every limit keys on the
same address (core.middleware.rate_limit_address) and answers the same way.

When the shared cache (Redis in production) cannot be reached, a limit on a write
(filing a complaint, a report, a subscription) fails closed: the request is refused as
over the limit, since nothing would stop a flood while the counts are out of sight. A
limit on a read (a status look-up, a licence check) fails open: citizens keep reading.
Each outage is logged, so the operator learns of it before the citizens complain."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django_ratelimit.core import get_usage

BY_ADDRESS = "ip"

Key = str | Callable[[str, HttpRequest], str]

# What the cache clients raise when their server is down or does not answer in time.
CACHE_UNREACHABLE: tuple[type[BaseException], ...] = (OSError,)
try:
    import redis

    CACHE_UNREACHABLE += (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
except ImportError:  # only a Redis cache needs it, and check kalantar.E002 says so
    pass

logger = logging.getLogger(__name__)


def _usage(
    request: HttpRequest | None, *, group: str, rate: str, key: Key, increment: bool, write: bool
) -> dict[str, Any] | None:
    """django-ratelimit's usage, or when the cache is unreachable a usage that refuses a
    write (fail closed) and lets a read through (fail open)."""
    try:
        return get_usage(request, group=group, key=key, rate=rate, increment=increment)
    except CACHE_UNREACHABLE as error:
        logger.error(
            "Rate limit %s not counted, the shared cache is unreachable (%s): %s.",
            group,
            error,
            "refused" if write else "allowed",
        )
        if not write:
            return None
        return {"count": 0, "limit": 0, "should_limit": True, "time_left": 60}


def count(
    request: HttpRequest | None,
    *,
    group: str,
    rate: str,
    key: Key = BY_ADDRESS,
    write: bool = True,
) -> bool:
    """Count this request; True when it goes over the limit. `write=False` marks a limit on
    reading, which lets the request through when the cache is unreachable."""
    usage = _usage(request, group=group, rate=rate, key=key, increment=True, write=write)
    return usage is not None and usage["should_limit"]


def used_up(
    request: HttpRequest | None,
    *,
    group: str,
    rate: str,
    key: Key = BY_ADDRESS,
    write: bool = True,
) -> bool:
    """Whether one more would go over the limit, without counting this request."""
    usage = _usage(request, group=group, rate=rate, key=key, increment=False, write=write)
    return usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"])


def seconds_left(
    request: HttpRequest | None, *, group: str, rate: str, key: Key, write: bool = True
) -> int | None:
    """Count this request; the seconds until the limit's window ends when it is over the
    limit, None when it is within it (for answers that say when to come back)."""
    usage = _usage(request, group=group, rate=rate, key=key, increment=True, write=write)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))
