"""The public statistics: closed cases only, figures matching an independent count, and
nothing that identifies a person or a place."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, time, timedelta

import h3
import pytest
from django.urls import reverse

from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.services import file_complaint
from kalantar.core import periods
from kalantar.core.jalali import TEHRAN, tehran_today
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.models import Incident
from kalantar.incidents.services import close_incident, open_incident
from kalantar.portal import stats
from kalantar.portal.transparency import CSV_COLUMNS

MONTH = periods.last_complete_month(tehran_today())
K01 = (48.55123, 34.85321)
K01_OTHER = (48.52217, 34.83419)
K02 = (48.65311, 34.85142)
MALAYER = (48.85523, 34.25611)
NAMES = ("علی رضایی", "زهرا محمدی")
NATIONAL_CODES = ("0499370899", "0012345679")


def _at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=TEHRAN)


def _incidents(org_tree, n, point, category, *, station="HM01K01", closed=True, day=None):
    day = day or MONTH.first + timedelta(days=3)
    for _ in range(n):
        incident = open_incident(
            by=None,
            report=IncidentReport(
                source="call_110",
                category=category,
                lon=point[0],
                lat=point[1],
                occurred_at=_at(day),
                received_at=_at(day, 11),
            ),
            station=org_tree[station],
        )
        if closed:
            close_incident(by=None, incident=incident, outcome="رسیدگی شد", at=_at(day, 12))


def _complaint(name, code, *, closed: bool, satisfaction=None, days_open=4):
    complaint = file_complaint(
        by=None,
        channel="online",
        draft=ComplaintDraft(
            category=Category.objects.get(code="home-burglary"),
            incident_at=_at(MONTH.first, 8),
            summary="سرقت از منزل",
            narrative="دیشب در غیاب ما درب منزل را شکستند و طلاها را بردند.",
            complainant_name=name,
            national_code=code,
            mobile="09121234567",
            complainant_address="همدان، خیابان بوعلی",
            lon=K01[0],
            lat=K01[1],
        ),
    )
    filed = _at(MONTH.first + timedelta(days=1))
    fields = {"filed_at": filed}
    if closed:
        fields.update(
            status="closed", closed_at=filed + timedelta(days=days_open), satisfaction=satisfaction
        )
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    return complaint


@pytest.fixture
def month_of_cases(org_tree):
    _incidents(org_tree, 12, K01, "home-burglary")
    _incidents(org_tree, 3, K01_OTHER, "fraud")
    _incidents(org_tree, 7, K01, "snatching")
    _incidents(org_tree, 4, K01, "home-burglary", closed=False)  # not closed: never counted
    _incidents(org_tree, 6, K01, "home-burglary", day=MONTH.first - timedelta(days=2))
    _incidents(org_tree, 9, K02, "home-burglary", station="HM01K02")
    _incidents(org_tree, 2, MALAYER, "assault", station="HM02K01")
    for i in range(6):
        _complaint(
            NAMES[i % 2],
            NATIONAL_CODES[i % 2],
            closed=True,
            satisfaction=4 + i % 2,
            days_open=2 + i,
        )
    for _i in range(3):
        _complaint(NAMES[0], NATIONAL_CODES[0], closed=False)


def _csv(client, unit, month=MONTH.jalali_code):
    response = client.get(reverse("transparency:csv"), {"unit": unit, "month": month})
    assert response.status_code == 200, response.content.decode()
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _value(rows, section, key):
    (row,) = [r for r in rows if r["section"] == section and r["key"] == key]
    return row["value"]


def test_station_figures_match_an_independent_count(client, month_of_cases):
    rows = _csv(client, "HM01K01")
    closed = Incident.objects.filter(
        station__code="HM01K01", status="closed", day__gte=MONTH.first, day__lte=MONTH.last
    )
    assert closed.filter(category="home-burglary").count() == 12
    assert _value(rows, "incidents_by_category", "home-burglary") == "10"
    assert _value(rows, "incidents_by_category", "snatching") == "5"
    assert _value(rows, "incidents_by_category", "fraud") == "<5"
    assert closed.count() == 22 and _value(rows, "incidents_total", "closed") == "20"
    assert _value(rows, "complaints", "received") == "10"  # 9 filed this month
    assert _value(rows, "complaints", "closed") == "5"  # 6 closed
    assert _value(rows, "complaints", "median_days_to_close") == "4.5"
    assert _value(rows, "complaints", "satisfaction") == "4.5"
    cells = {r["key"]: r["value"] for r in rows if r["section"] == "incidents_by_h3_cell"}
    assert all(h3.get_resolution(c) == 7 for c in cells)
    assert set(cells) == {h3.latlng_to_cell(p[1], p[0], 7) for p in (K01, K01_OTHER)}
    assert [r["section"] for r in rows if r["section"] == "incidents_by_unit"] == []


def test_province_page_adds_up_its_counties(client, month_of_cases):
    rows = _csv(client, "HM")
    assert _value(rows, "incidents_by_unit", "HM01") == "30"  # 22 + 9 = 31
    assert _value(rows, "incidents_by_unit", "HM02") == "<5"
    assert _value(rows, "incidents_by_category", "assault") == "<5"
    assert _value(rows, "incidents_by_category", "home-burglary") == "20"  # 12 + 9 = 21


def test_jalali_and_gregorian_months(client, month_of_cases):
    jalali = _csv(client, "HM01K01", MONTH.jalali_code)
    persian_digits = MONTH.jalali_code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert _csv(client, "HM01K01", persian_digits) == jalali
    gregorian = f"{MONTH.first:%Y-%m}"
    rows = _csv(client, "HM01K01", gregorian)
    assert rows[0]["period_first"] == f"{MONTH.first:%Y-%m}-01"
    assert list(rows[0]) == [name for name, _ in CSV_COLUMNS]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"unit": "NOPE", "month": "1404-07"}, "کد NOPE"),
        ({"unit": "HM", "month": "1404-13"}, "ماه ۱۳"),
        ({"unit": "HM", "month": "last month"}, "۱۴۰۴-۰۷"),
    ],
)
def test_bad_parameters_get_a_persian_message(client, org_tree, params, message):
    for name in ("transparency:csv", "transparency:json", "transparency:index"):
        response = client.get(reverse(name), params)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_statistics_are_cached(month_of_cases, django_assert_num_queries):
    unit = stats.public_units().get(code="HM")
    first = stats.monthly_statistics(unit, MONTH)
    with django_assert_num_queries(0):
        assert stats.monthly_statistics(unit, MONTH) == first


def _public_pages(client):
    yield client.get(reverse("transparency:index"), {"unit": "HM01K01"}).content.decode()
    yield client.get(reverse("transparency:index"), {"unit": "HM"}).content.decode()
    yield client.get(reverse("transparency:about")).content.decode()
    for unit in ("HM", "HM01", "HM01K01", "HM02K01"):
        yield client.get(reverse("transparency:csv"), {"unit": unit}).content.decode("utf-8-sig")
        yield client.get(reverse("transparency:json"), {"unit": unit}).content.decode()
        yield client.get("/api/transparency/stats", {"unit": unit}).content.decode()
    client.cookies["kalantar_language"] = "en"
    yield client.get(reverse("transparency:index"), {"unit": "HM01K01"}).content.decode()


def _published_counts(document: dict):
    """Every count in a statistics document."""
    incidents = document["incidents"]
    yield incidents["total"]
    for key in ("by_category", "by_unit", "by_cell"):
        yield from (row["count"] for row in incidents[key])
    c = document["complaints"]
    yield from (c["received"], c["closed"], c["rated"])
    for row in document["referrals"]:
        yield from (
            row[k] for k in ("received", "answered_on_time", "answered_late", "declined", "overdue")
        )


def test_public_portal_never_shows_a_name_a_code_a_place_or_a_small_count(client, month_of_cases):
    for page in _public_pages(client):
        for secret in (*NAMES, *NATIONAL_CODES, "09121234567", "بوعلی"):
            assert secret not in page
            persian = secret.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
            assert persian not in page
        # No coordinate of an incident, in any precision down to about 100 m.
        for lon, lat in (K01, K01_OTHER, K02, MALAYER):
            for value in (lon, lat):
                for places in (3, 4, 5):
                    token = re.escape(f"{value:.{places}f}")
                    assert not re.search(rf"(?<![\d.]){token}(?!\d)", page), (value, page[:200])
    for unit in ("HM", "HM01", "HM01K01", "HM02K01"):
        document = json.loads(client.get(reverse("transparency:json"), {"unit": unit}).content)
        for count in _published_counts(document):
            assert count in ("<5", "withheld", 0) or count >= 5, (unit, count)
        rows = _csv(client, unit)
        for row in rows:
            if row["measure"] == "count":
                assert row["value"] in ("<5", "withheld", "0") or int(row["value"]) >= 5


def test_index_page_shows_the_figures_in_persian_and_english(client, month_of_cases):
    html = client.get(reverse("transparency:index"), {"unit": "HM01K01"}).content.decode()
    assert 'dir="rtl"' in html and "کمتر از ۵" in html
    assert "سرقت از منزل" in html and reverse("portal:help") in html
    assert re.search(r'id="incidents-total">\s*۲۰', html)
    client.cookies["kalantar_language"] = "en"
    html = client.get(reverse("transparency:index"), {"unit": "HM01K01"}).content.decode()
    assert 'dir="ltr"' in html and "fewer than 5" in html and "Home burglary" in html
