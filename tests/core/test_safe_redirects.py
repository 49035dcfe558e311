"""A form's `next` only ever leads back into this site, and a bad one changes nothing it
should not: the assignment or closure is done once, and the user lands on a page."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from kalantar.analytics.models import SurgeAlert
from kalantar.complaints import workflow
from kalantar.core.jalali import tehran_today
from kalantar.core.models import AuditEntry
from kalantar.core.redirects import next_url
from kalantar.incidents import services as incident_services
from kalantar.incidents.drafts import IncidentReport
from kalantar.org.models import Unit

ELSEWHERE = ["https://elsewhere.example/", "//elsewhere.example/", "x:y", "javascript:alert(1)"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/complaints/?status=new", "/complaints/?status=new"),
        ("http://testserver/complaints/", "http://testserver/complaints/"),
        ("https://elsewhere.example/", "/complaints/"),
        ("//elsewhere.example/", "/complaints/"),
        ("/\\elsewhere.example/", "/complaints/"),
        ("x:y", "/complaints/"),
        ("javascript:alert(1)", "/complaints/"),
        ("", "/complaints/"),
    ],
)
def test_next_url_keeps_to_this_site(given, expected):
    request = RequestFactory().post("/", {"next": given})
    assert next_url(request, "complaints:queue") == expected


@pytest.mark.parametrize("target", ELSEWHERE)
def test_bulk_assignment_never_leaves_the_site(file, make_user, client, target):
    complaint = file()
    chief = make_user("chief", "station_chief", "HM01K01")
    officer = make_user("officer", "desk_officer", "HM01K01")
    client.force_login(chief)
    response = client.post(
        reverse("complaints:assign"),
        {"codes": [complaint.tracking_code], "officer": "officer", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:queue")
    complaint.refresh_from_db()
    assert complaint.assigned_to == officer and complaint.status == workflow.ASSIGNED
    assert AuditEntry.objects.filter(action="complaints.assign").count() == 1


def test_bulk_assignment_returns_to_the_queue_page_it_came_from(file, make_user, client):
    complaint = file()
    chief = make_user("chief", "station_chief", "HM01K01")
    make_user("officer", "desk_officer", "HM01K01")
    client.force_login(chief)
    back = reverse("complaints:queue") + "?status=registered&page=2"
    response = client.post(
        reverse("complaints:assign"),
        {"codes": [complaint.tracking_code], "officer": "officer", "next": back},
    )
    assert response["Location"] == back


@pytest.mark.parametrize("target", ELSEWHERE)
def test_closing_a_surge_alert_never_leaves_the_site(org_tree, make_user, client, target):
    chief = make_user("chief", "station_chief", "HM01K01")
    alert = SurgeAlert.objects.create(
        station=Unit.objects.get(code="HM01K01"),
        category="fraud",
        day=tehran_today(),
        current=20,
        baseline_mean=3,
        z=5.0,
        p=1e-6,
    )
    client.force_login(chief)
    response = client.post(reverse("analytics:surge_close", args=[alert.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("analytics:surges")
    alert.refresh_from_db()
    assert alert.status == SurgeAlert.Status.CLOSED


def test_dispatch_never_leaves_the_site(org_tree, make_user, client):
    dispatcher = make_user("disp", "dispatcher", "HM01K01")
    station = Unit.objects.get(code="HM01K01")
    unit = incident_services.add_patrol_unit(by=None, station=station, call_sign="11-1")
    incident = incident_services.open_incident(
        by=None,
        report=IncidentReport(
            source="call_110", category="assault", lon=48.56, lat=34.86, occurred_at=timezone.now()
        ),
    )
    client.force_login(dispatcher)
    response = client.post(
        reverse("incidents:dispatch", args=[incident.number]),
        {"unit": unit.pk, "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == reverse("incidents:board")
    own = reverse("incidents:detail", args=[incident.number])
    response = client.post(
        reverse("incidents:close", args=[incident.number]), {"outcome": "", "next": own}
    )
    assert response["Location"] == own
