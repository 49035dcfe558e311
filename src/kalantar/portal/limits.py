"""Rate limits of the public pages, counted in the shared cache by django-ratelimit.

Rates come from settings (ONLINE_FILING_RATE, STATUS_LOOKUP_RATE_PER_ADDRESS,
STATUS_LOOKUP_RATE_PER_CODE, STATUS_LOOKUP_FAILURES_BEFORE_SMS); a request over a limit is
answered with 429 and changes nothing.

A tracking code's look-ups are limited per (code, address), never per code alone: a limit per
code let a stranger lock the owner out by failing ten times. Failures per code, from anywhere,
instead make the status page ask for a one-time code sent to the complaint's mobile
(portal.one_time).
"""

from __future__ import annotations

from django.conf import settings

from kalantar.core.limits import BY_ADDRESS, Key, count, used_up

__all__ = ["BY_ADDRESS", "Key", "count", "used_up"]

FILING = "portal.filing"
FORM_SUBMISSIONS = "portal.filing-form"
LOOKUP_BY_ADDRESS = "portal.lookup"
LOOKUP_FAILURES = "portal.lookup-failures"

# Corrections and retries are normal, so the form itself may be sent this many times more
# often than complaints may be filed; it still stops a script hammering the dry run.
FORM_SUBMISSIONS_PER_FILING = 4


def by_code(code: str) -> Key:
    return lambda group, request: code


def lookup_by_code_group(code: str) -> str:
    """The group of one code's look-ups; counted by address, it limits (code, address)."""
    return f"portal.lookup-code:{code}"


def failure_rate() -> str:
    return settings.STATUS_LOOKUP_FAILURES_BEFORE_SMS


def filing_rate() -> str:
    return settings.ONLINE_FILING_RATE


def form_submission_rate() -> str:
    number, _, period = settings.ONLINE_FILING_RATE.partition("/")
    return f"{int(number) * FORM_SUBMISSIONS_PER_FILING}/{period}"
