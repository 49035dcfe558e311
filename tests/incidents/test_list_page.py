"""The station's incident list: filters by number, status, type, source and Jalali period,
pagination that keeps them, and a clear message for a bad period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kalantar.core.jalali import format_jalali_date
from kalantar.incidents.models import Incident
from tests.conftest import control_classes

pytestmark = pytest.mark.django_db

LIST_URL = reverse("incidents:list")


def _rows(client, **params) -> str:
    response = client.get(LIST_URL, params, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def listed(client, chief1, incident_at):
    now = timezone.now()
    made = {
        "old_theft": incident_at(now - timedelta(days=20), category="vehicle-theft"),
        "new_snatch": incident_at(now - timedelta(hours=2), category="snatching"),
        "new_fraud": incident_at(now - timedelta(hours=3), category="fraud"),
    }
    Incident.objects.filter(pk=made["new_fraud"].pk).update(status=Incident.Status.CLOSED)
    client.force_login(chief1)
    return made


def test_filters_by_type_status_and_period(client, listed):
    numbers = {k: v.number for k, v in listed.items()}
    html = _rows(client, category="vehicle-theft")
    assert numbers["old_theft"] in html and numbers["new_snatch"] not in html

    html = _rows(client, status="open")
    assert numbers["new_snatch"] in html and numbers["new_fraud"] not in html

    html = _rows(client, status="closed")
    assert numbers["new_fraud"] in html and numbers["new_snatch"] not in html

    week_ago = format_jalali_date(timezone.now() - timedelta(days=7), "fa")
    html = _rows(client, start=week_ago)  # typed with Persian digits
    assert numbers["new_snatch"] in html and numbers["old_theft"] not in html


def test_search_by_number_accepts_persian_digits(client, listed):
    number = listed["old_theft"].number
    persian = number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    html = _rows(client, q=persian)
    assert number in html and listed["new_snatch"].number not in html


def test_a_backwards_period_is_refused_in_persian_and_lists_everything(client, listed):
    today = format_jalali_date(timezone.now(), "en")
    earlier = format_jalali_date(timezone.now() - timedelta(days=30), "en")
    html = _rows(client, start=today, end=earlier)
    assert "پایان دوره پیش از آغاز آن است" in html
    assert all(i.number in html for i in listed.values())


def test_another_station_sees_none_of_them(client, listed, chief2):
    client.force_login(chief2)
    html = _rows(client)
    assert not any(i.number in html for i in listed.values())


def test_pages_keep_the_filters(client, chief1, incident_at):
    now = timezone.now()
    for hours in range(35):
        incident_at(now - timedelta(hours=hours + 1), category="snatching")
    fraud = incident_at(now - timedelta(minutes=30), category="fraud")
    client.force_login(chief1)
    first = _rows(client, category="snatching")
    assert "?category=snatching&amp;page=2" in first
    second = _rows(client, category="snatching", page=2)
    table = second.split('id="incident-list"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 5  # the header and the last five
    assert fraud.number not in first and fraud.number not in second


def test_an_open_incident_reads_open_not_the_verb_to_open(client, listed):
    """The status is an adjective ("باز"); the file link's verb ("باز کردن") is another word
    that once shadowed it in the shared catalogue."""
    html = _rows(client, status="open")
    assert "باز کردن" not in html
    with translation.override("fa"):
        label = str(Incident.Status.OPEN.label)
    assert label != "باز کردن"
    assert f"<td>{label}</td>" in html


def test_the_filter_bar_has_small_controls_named_for_screen_readers(client, listed):
    classes = control_classes(_rows(client))
    assert classes["status"] == classes["category"] == ["form-select", "form-select-sm"]
    assert classes["q"] == classes["start"] == ["form-control", "form-control-sm"]
    assert 'aria-label="از تاریخ"' in _rows(client)
