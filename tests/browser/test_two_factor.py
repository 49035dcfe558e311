"""Two-factor login in a real browser, in Persian and in English: enrolment on the first
log-in (QR code, key, first code, recovery codes once), then the code after the password.
With KALANTAR_SCREENSHOTS=DIR the pages are saved there as PNG files to be looked at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.login import current_code
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("KALANTAR_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _password(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def _set_language(page, code: str) -> None:
    page.click(f"#language-form button[value={code}]")
    page.wait_for_load_state()


@pytest.mark.parametrize("language", ["fa", "en"])
def test_enrol_then_verify(live_server, page, make_user, language):
    admin = make_user("admin", "sysadmin", "IR")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/login/")
    if language == "en":
        _set_language(page, "en")
    _shot(page, f"login-{language}")
    _password(page, live_server, "admin")

    # First log-in: enrolment, before any other page.
    assert "/account/enrol/" in page.url
    assert page.locator("#enrol-qr svg").is_visible()
    title = {"fa": "راه‌اندازی ورود دومرحله‌ای", "en": "Set up two-factor login"}[language]
    assert title in page.inner_text("h1")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa" else "ltr")
    _shot(page, f"enrol-{language}")
    page.fill("#id_code", "000000")
    page.click("#second-factor-form button[type=submit]")
    wrong = {"fa": "کد درست نیست", "en": "The code is not right"}[language]
    assert wrong in page.inner_text(".invalid-feedback")
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    device.throttling_failure_count = 0  # the wrong code's wait is another test's subject
    device.save()
    page.fill("#id_code", current_code(device))
    page.click("#second-factor-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/account/recovery-codes/")
    assert page.locator("#recovery-codes li").count() == 10
    _shot(page, f"recovery-codes-{language}")
    page.click("#recovery-codes-done")
    page.wait_for_url(f"{live_server.url}/")

    # The next log-in asks for the code after the password.
    page.click("#user-menu")
    page.click("form[action='/logout/'] button")
    page.wait_for_load_state()
    _password(page, live_server, "admin")
    assert "/account/verify/" in page.url
    _shot(page, f"verify-{language}")
    page.goto(f"{live_server.url}/admin/")
    assert "/account/verify/" in page.url  # the admin waits too
    device.refresh_from_db()
    device.last_t -= 1  # the enrolment used this time step's code; the app would show the next
    device.save()
    page.fill("#id_code", current_code(device))
    page.click("#second-factor-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    # The admin's pages ask for /favicon.ico: let it finish before the database is emptied.
    page.wait_for_load_state("networkidle")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
