"""A route's permission, declared once beside its path.

Pages use Django's `@permission_required(..., raise_exception=True)`; API operations use
`@api_permission(...)`, which answers 403 with a sentence in the caller's language. Neither
is checked again inside the body.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError


def api_permission(perm: str, message: str = "") -> Callable[[Callable], Callable]:
    """Refuse the operation with 403 unless the caller holds `perm`."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not request.auth.has_perm(perm):
                raise HttpError(403, message or _("Your role does not allow this."))
            return view(request, *args, **kwargs)

        # Ninja reads the parameters from the signature; resolved here, in the view's own
        # module, so postponed annotations name the view's schemas, not this module's.
        checked.__signature__ = inspect.signature(view, eval_str=True)
        return checked

    return decorate
