"""Log-in throttling on django-axes: one limit per (username, address), another per address.

Axes counts failures per group of lockout parameters but compares every group with one
limit. A station's officers share one address behind its NAT, so the address alone needs
a higher limit than one username at that address; the handler below gives each group its
own limit by scaling its count to axes's single limit (the smallest subclass of axes's
database handler that does this: axes has no per-group limit of its own).
"""

from __future__ import annotations

from collections.abc import Sequence

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def scaled_failures(counts: Sequence[int], limits: Sequence[int], base_limit: int) -> int:
    """The failures of the group nearest its own limit, on the scale of `base_limit`.

    A group has reached its limit exactly when its scaled count reaches `base_limit`, so
    axes's single comparison (failures >= base limit) locks when any group reaches its own.
    """
    return max(
        (count * base_limit // limit for count, limit in zip(counts, limits, strict=True)),
        default=0,
    )


def group_limit(parameter: str | Sequence[str], base_limit: int) -> int:
    """The failure limit of one lockout group: the address alone has its own setting."""
    if parameter == "ip_address":
        return settings.LOGIN_FAILURES_PER_ADDRESS
    return base_limit


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        base_limit = get_failure_limit(request, credentials)
        limits = [group_limit(p, base_limit) for p in get_lockout_parameters(request, credentials)]
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        return scaled_failures(counts, limits, base_limit)

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        # A success clears only that username's failures at that address: clearing the
        # whole address would let one valid account wipe a password spray's count.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count
