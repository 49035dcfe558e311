"""The second factor's gate: a privileged user who has given only the password reaches the
verification page (or, without an authenticator yet, the enrolment page) and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property, partial
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from kalantar.people.access import access_of
from kalantar.people.second_factor import is_exempt_path
from kalantar.people.selectors import has_authenticator, second_factor_pending


class VerifiedDeviceMiddleware(OTPMiddleware):
    """django-otp's middleware (`user.otp_device`, `user.is_verified()`), with the device
    the session was verified with checked against the user's confirmed devices kept by
    people.access rather than read on every request. The device itself is read only if
    something asks for it; a device deleted or unconfirmed since ends the verification."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        signed_in = user.is_authenticated
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if signed_in else None
        if persistent_id:
            persistent_id = self._normalize_persistent_id(persistent_id)
            if persistent_id in access_of(user).devices:
                user.otp_device = SimpleLazyObject(
                    partial(Device.from_persistent_id, persistent_id)
                )
            else:
                del request.session[DEVICE_ID_SESSION_KEY]
        return user


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    @cached_property
    def exempt_prefixes(self) -> tuple[str, ...]:
        return (
            reverse("people:verify"),
            reverse("people:enrol"),
            reverse("logout"),
            reverse("set_language"),
            reverse("healthz"),
            settings.STATIC_URL,
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pending = second_factor_pending(request.user)
        request.second_factor_pending = pending  # the shell hides its menus meanwhile
        if not pending or is_exempt_path(request.path_info, self.exempt_prefixes):
            return self.get_response(request)
        return self.refuse(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": _("Give your two-factor code first.")}, status=401)
        step = "people:verify" if has_authenticator(request.user) else "people:enrol"
        url = reverse(step)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
