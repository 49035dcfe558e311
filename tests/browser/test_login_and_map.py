from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_and_open_the_map(live_server, page, make_user):
    make_user("chief", "station_chief", "HM01")
    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    # The map sits in the "Organisation" menu of the navigation bar.
    page.click("#nav-organisation")
    page.click("a.dropdown-item[href='/map/']")
    page.wait_for_selector(".leaflet-interactive")
    # The county commander's two stations are drawn, with their names as labels at their
    # headquarters (the labels come in a request of their own).
    assert page.locator("path.leaflet-interactive").count() == 2
    page.wait_for_selector("#map .place-label-kalantari")
    assert "کلانتری ۱۱ همدان" in page.locator("#map").inner_text()
    # Clicking inside a jurisdiction names its station.
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.5)
    page.wait_for_function("() => document.querySelector('#locate-result a') !== null")
    assert "کلانتری" in page.inner_text("#locate-result")


def test_wrong_password_shows_a_persian_error(live_server, page, make_user):
    make_user("desk", "desk_officer", "HM01K01")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", "wrong-password")
    page.click("#login-form button[type=submit]")
    assert "نام کاربری" in page.inner_text(".alert-danger")
