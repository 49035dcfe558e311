"""A refused or missing page is one line in the server's log; a server error keeps its
traceback; a refused form explains itself in the user's language."""

from __future__ import annotations

import logging

import pytest
from django.test import Client


@pytest.fixture
def desk_client(make_user, client):
    client.force_login(make_user("desk", "desk_officer", "HM01K01"))
    return client


def _records(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


def test_a_refused_page_is_one_line_without_traceback(desk_client, caplog):
    with caplog.at_level(logging.WARNING):
        response = desk_client.get("/audit/")
    assert response.status_code == 403
    [record] = _records(caplog, "django.request")
    assert record.getMessage() == "Forbidden (Permission denied): /audit/"
    assert record.exc_info is None
    assert caplog.text.strip().count("\n") == 0
    assert "Traceback" not in caplog.text


def test_a_missing_page_is_one_line_without_traceback(desk_client, caplog):
    with caplog.at_level(logging.WARNING):
        response = desk_client.get("/nowhere/")
    assert response.status_code == 404
    [record] = _records(caplog, "django.request")
    assert record.getMessage() == "Not Found: /nowhere/"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_request_for_another_host_is_one_line(db, client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get("/login/", HTTP_HOST="elsewhere.example")
    assert response.status_code == 400
    [record] = _records(caplog, "django.security.DisallowedHost")
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


@pytest.mark.urls("tests.core.failing_urls")
def test_a_server_error_keeps_its_traceback(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.WARNING):
        response = client.get("/broken/")
    assert response.status_code == 500
    [record] = _records(caplog, "django.request")
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "Traceback" in caplog.text and "a bug in a view" in caplog.text


def test_a_refused_form_gets_a_persian_page_under_the_site_layout(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "desk", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "فرم پذیرفته نشد" in html
    assert "کوکی‌های این سایت" in html
    assert 'dir="rtl"' in html and "navbar" in html
    assert "CSRF verification failed" not in html and "Forbidden" not in html


def test_a_refused_form_in_english(db):
    client = Client(enforce_csrf_checks=True)
    client.cookies["kalantar_language"] = "en"
    response = client.post("/login/", {"username": "desk", "password": "x"})
    assert response.status_code == 403
    assert "The form was not accepted" in response.content.decode()
