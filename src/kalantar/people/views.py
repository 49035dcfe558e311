"""Two-factor login: enrolment on first log-in, verification after the password, recovery
codes shown once, and the page where a user sees and renews them."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from kalantar.core.persian import active_digits, format_number
from kalantar.core.scoping import found_or_404
from kalantar.people import selectors, services
from kalantar.people.forms import SecondFactorForm
from kalantar.people.second_factor import group_secret

_SHOW_ONCE = "people_recovery_codes"  # session key: codes waiting to be shown once


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _log_in_second_factor(request: HttpRequest, device) -> None:
    # A new session key at each step up in privilege, as Django's login() does.
    request.session.cycle_key()
    django_otp.login(request, device)


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified() or not selectors.needs_second_factor(user):
        return redirect(_next_url(request))
    if not selectors.has_authenticator(user):
        return redirect(reverse("people:enrol") + "?" + request.GET.urlencode())
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_second_factor(user=user, code=form.cleaned_data["code"])
        except services.SecondFactorError as exc:
            form.add_error("code", exc.messages[0])
        else:
            _log_in_second_factor(request, device)
            if isinstance(device, StaticDevice):
                left = selectors.recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code: %(count)s is left. Renew them on the "
                        "two-factor login page.",
                        "You used a recovery code: %(count)s are left. Renew them on the "
                        "two-factor login page.",
                        left,
                    )
                    % {"count": format_number(left, digits=active_digits())},
                )
            return redirect(_next_url(request))
    return render(
        request, "people/second_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.needs_second_factor(user):
        return redirect(_next_url(request))
    if selectors.has_authenticator(user):
        return redirect(reverse("people:verify") + "?" + request.GET.urlencode())
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.confirm_authenticator(
                user=user, code=form.cleaned_data["code"]
            )
        except services.SecondFactorError as exc:
            form.add_error("code", exc.messages[0])
        else:
            _log_in_second_factor(request, device)
            request.session[_SHOW_ONCE] = {"codes": codes, "next": _next_url(request)}
            return redirect("people:recovery_codes")
    device = services.start_authenticator(user=user)
    secret = b32encode(device.bin_key).decode()
    # segno writes the QR as inline SVG markup: no image request, no script.
    qr = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#0b3d2e")
    return render(
        request,
        "people/second_factor_enrol.html",
        {
            "form": form,
            "qr": mark_safe(qr),  # segno's own SVG markup, built from our own URL
            "secret": group_secret(secret),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes just issued, shown this once: the session forgets them now."""
    fresh = request.session.pop(_SHOW_ONCE, None)
    if not fresh:
        return redirect("people:security")
    return render(
        request,
        "people/recovery_codes.html",
        {"codes": fresh["codes"], "next": fresh.get("next") or reverse("home")},
    )


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "people/second_factor_status.html",
        {
            "required": selectors.needs_second_factor(user),
            "has_authenticator": selectors.has_authenticator(user),
            "codes_left": selectors.recovery_codes_left(user),
        },
    )


@require_POST
@login_required
def renew_recovery_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not selectors.has_authenticator(user):
        messages.error(request, _("Set up two-factor login first."))
        return redirect("people:security")
    codes = services.regenerate_recovery_codes(by=user, user=user)
    request.session[_SHOW_ONCE] = {"codes": codes, "next": reverse("people:security")}
    return redirect("people:recovery_codes")


# --- Officers' records ------------------------------------------------------------------------


@login_required
def officer_list(request: HttpRequest) -> HttpResponse:
    """The officers whose records the user may read, with their overdue training."""
    q = request.GET.get("q", "").strip()  # shown back as typed; the selector normalises it
    officers = selectors.officer_list(request.user, q)
    page = Paginator(officers, 50).get_page(request.GET.get("page"))
    late = selectors.overdue_on_page(page, today=timezone.localdate())
    return render(request, "people/officers.html", {"page": page, "late": late, "q": q})


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    if not hasattr(request.user, "officer_profile"):
        return render(request, "people/no_record.html")
    return redirect("people:officer", pk=request.user.pk)


@never_cache
@login_required
def officer_record(request: HttpRequest, pk: int) -> HttpResponse:
    record = found_or_404(selectors.officer_record(request.user, pk, today=timezone.localdate()))
    services.read_officer_record(by=request.user, officer=record.officer)
    context = {"record": record, "today": timezone.localdate()}
    return render(request, "people/officer.html", context)
