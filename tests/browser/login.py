"""Logging in through the pages, second factor included, as the browser tests' users do."""

from __future__ import annotations

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD


def current_code(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def log_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Password, then (for privileged roles) enrolment or the code, and on to the home page."""
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()
    if "/account/enrol/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=False)
        page.fill("#id_code", current_code(device))
        page.click("#second-factor-form button[type=submit]")
        page.click("#recovery-codes-done")
    elif "/account/verify/" in page.url:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("#id_code", current_code(device))
        page.click("#second-factor-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
