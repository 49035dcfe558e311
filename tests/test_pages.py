"""The pages people use, rendered in Persian (right to left) and in English."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from kalantar.people.models import User


@pytest.fixture
def chief(client, make_user):
    user = make_user("chief", "station_chief", "HM01K01")
    client.force_login(user)
    return user


def _get(client, url: str, language: str) -> str:
    client.cookies["kalantar_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize("name", ["home", "org:map", "org:unit_list"])
def test_pages_are_persian_and_right_to_left_by_default(client, chief, name):
    html = _get(client, reverse(name), "fa")
    assert '<html lang="fa" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html
    assert "کلانتر" in html


@pytest.mark.parametrize("name", ["home", "org:map", "org:unit_list"])
def test_pages_switch_to_english_left_to_right(client, chief, name):
    html = _get(client, reverse(name), "en")
    assert '<html lang="en" dir="ltr">' in html
    assert "Kalantar" in html


def test_station_page_shows_its_details_in_persian_digits(client, chief):
    html = _get(client, reverse("org:unit_detail", args=["HM01K01"]), "fa")
    assert "کلانتری ۱۱ همدان" in html
    assert "شهرستان همدان" in html  # the parent in the breadcrumb
    # area (~102 km²) and coordinates are written with Persian digits
    assert "۳۴٫۸" in html or "۳۴.۸" in html


def test_login_page_in_both_languages(client, org_tree):
    client.cookies["kalantar_language"] = "fa"
    assert "ورود" in client.get("/login/").content.decode()
    client.cookies["kalantar_language"] = "en"
    assert "Log in" in client.get("/login/").content.decode()


def test_pages_require_login(client, org_tree):
    response = client.get(reverse("org:map"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_language_switch_sets_the_cookie(client, chief):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["kalantar_language"].value == "en"


def test_unit_search_accepts_arabic_letter_forms(client, chief, make_user):
    client.force_login(make_user("prov", "province_commander", "HM"))
    html = _get(client, reverse("org:unit_list") + "?q=ملاير", "fa")  # Arabic ي
    assert "HM02K01" in html and "HM01K01" not in html


def test_admin_is_persian(client, org_tree):
    admin = User.objects.create_superuser("root", password="x-Long-pass-1")
    client.force_login(admin)
    with translation.override("fa"):
        html = _get(client, "/admin/", "fa")
    assert 'dir="rtl"' in html and "مدیریت" in html
    # Every section of the index is named in Persian, the login protection's too.
    assert "حفاظت از ورود" in html and "هسته" in html
    assert ">Axes<" not in html and ">Core<" not in html
    html = _get(client, "/admin/core/auditentry/", "fa")
    assert 'dir="rtl"' in html


def test_health_endpoint(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
