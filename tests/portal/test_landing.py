"""The site's root: citizens get their front door, staff their home page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from kalantar.complaints.receipt_page import receipt_url
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SERVICES = {
    "link-file": "portal:file",
    "link-track": "portal:track",
    "link-receipt": "portal:check_receipt",
    "link-statistics": "transparency:index",
    "link-help": "portal:help",
    "link-staff-login": "login",
    "link-197": "feedback:public",
    "link-guard-check": "security_firms:check",
    "link-alerts": "community:subscribe",
    "link-safety-report": "community:public_report",
}


def _get(client, url: str, language: str = "fa") -> str:
    client.cookies["kalantar_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_citizen_at_the_root_gets_the_landing_page_with_every_service(client, org_tree):
    html = _get(client, "/")
    assert '<html lang="fa" dir="rtl">' in html
    assert "خدمات پلیس به شهروندان" in html
    for link_id, name in SERVICES.items():
        assert f'href="{reverse(name)}" id="{link_id}"' in html, link_id
    assert 'href="tel:110"' in html and "۱۱۰" in html
    assert 'href="tel:197"' in html and "۱۹۷" in html
    assert 'id="login-form"' not in html
    assert "<script>" not in html and " onclick=" not in html


def test_the_landing_page_in_english(client, org_tree):
    html = _get(client, "/", "en")
    assert '<html lang="en" dir="ltr">' in html
    assert "Police services for citizens" in html and "Staff login" in html
    assert "197" in html and "110" in html


def test_staff_log_in_from_the_landing_page_and_get_their_home(client, make_user):
    make_user("chief", "station_chief", "HM01K01")
    login = reverse("login")
    assert f'href="{login}"' in _get(client, "/")
    response = client.post(login, {"username": "chief", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    html = _get(client, "/")
    assert 'id="landing"' not in html
    assert "خوش آمدید" in html or "Welcome" in html


def test_staff_at_the_root_get_the_staff_home(client, make_user):
    client.force_login(make_user("desk", "desk_officer", "HM01K01"))
    html = _get(client, "/")
    assert 'id="landing"' not in html
    assert reverse("complaints:queue") in html


def test_a_pasted_receipt_link_is_checked_here(client, complaint):
    url = receipt_url(complaint)
    response = client.get(reverse("portal:check_receipt"), {"link": url})
    path = url.removeprefix(settings.SITE_URL.rstrip("/"))
    assert response.status_code == 302 and response["Location"] == path
    assert 'id="receipt-authentic"' in client.get(path).content.decode()


def test_a_link_to_elsewhere_is_not_followed(client, org_tree):
    for text in ("https://elsewhere.example/login", "//elsewhere.example/r/x", "hello"):
        response = client.get(reverse("portal:check_receipt"), {"link": text})
        if response.status_code == 302:
            assert response["Location"].startswith("/r/"), text
        else:
            assert response.status_code == 400
            assert "این پیوند رسید نیست" in response.content.decode()


def test_the_check_page_explains_the_qr_code(client, org_tree):
    html = _get(client, reverse("portal:check_receipt"))
    assert "کد QR" in html and 'name="link"' in html
