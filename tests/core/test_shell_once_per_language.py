"""The shell's parts that depend only on the language (stylesheets, the pickers' labels, the
footer and scripts) are rendered once per language and process: each language still gets
its own, the request's own parts (the CSRF token) stay per request, and changed settings
show at once."""

from __future__ import annotations

import re

import pytest


def _login_page(client, language: str) -> str:
    client.cookies["kalantar_language"] = language
    response = client.get("/login/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_each_language_keeps_its_own_shell(client):
    for _ in range(2):  # the second round from what was kept
        persian = _login_page(client, "fa")
        english = _login_page(client, "en")
        assert "bootstrap.rtl.min.css" in persian and "bootstrap.rtl.min.css" not in english
        assert 'data-picker-months="Farvardin' in english
        assert "data-picker-months" not in persian  # the picker's own Persian names
        assert "Kalantar — operations platform" in english
        assert "Kalantar — operations platform" not in persian


@pytest.mark.django_db
def test_the_csrf_token_stays_per_request(client):
    tokens = {
        re.search(r'X-CSRFToken": "([^"]+)"', _login_page(client, "fa")).group(1) for _ in range(3)
    }
    assert len(tokens) == 3  # masked afresh each time, as before


@pytest.mark.django_db
def test_a_changed_static_url_shows_at_once(client, settings):
    assert 'href="/static/kalantar/kalantar.css"' in _login_page(client, "fa")
    settings.STATIC_URL = "/assets/"
    assert 'href="/assets/kalantar/kalantar.css"' in _login_page(client, "fa")
