"""Where a form goes back to: its `next` field, when that stays on this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, fallback: str) -> str:
    """The request's `next` (POST, then GET) if it is a page of this site, else `fallback`
    (a URL name or path). Called before a view writes anything, so a bad `next` can
    never turn a committed change into an error page or send the user to another site.
    Return it with HttpResponseRedirect, not redirect(), which would try it as a URL name.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(fallback)
