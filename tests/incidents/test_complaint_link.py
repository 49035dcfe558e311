"""A complaint accepted by its station creates its incident, or links one already recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.complaints import services as complaint_services
from kalantar.complaints import workflow
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.incidents import services
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.models import DailyCount, Incident


def _file(**overrides):
    fields = {
        "by": None,
        "channel": "online",
        "category": Category.objects.get(code="home-burglary"),
        "incident_at": timezone.now() - timedelta(hours=3),
        "summary": "سرقت از منزل",
        "narrative": "دیشب در غیاب ما درب منزل را شکسته و طلاها را برده‌اند.",
        "complainant_name": "علی رضایی",
        "national_code": "0499370899",
        "mobile": "09121234567",
        "lon": 48.55,
        "lat": 34.85,
    }
    fields.update(overrides)
    by, channel = fields.pop("by"), fields.pop("channel")
    return complaint_services.file_complaint(by=by, channel=channel, draft=ComplaintDraft(**fields))


@pytest.fixture
def chief(make_user):
    return make_user("chief1", "station_chief", "HM01K01")


def test_registering_alone_creates_no_incident(org_tree):
    _file()
    assert not Incident.objects.exists()


def test_acceptance_creates_the_incident_once(org_tree, chief):
    complaint = _file()
    # Accepted by giving it to an officer ("assigned" without one is refused).
    complaint_services.assign_complaints(by=chief, complaints=[complaint], officer=chief)
    incident = Incident.objects.get(complaint=complaint)
    assert (incident.source, incident.category, incident.station.code) == (
        "complaint",
        "home-burglary",
        "HM01K01",
    )
    assert incident.received_at == complaint.filed_at
    assert DailyCount.objects.get(category="home-burglary").count == 1
    complaint_services.change_status(
        by=chief, complaint=complaint, to_status=workflow.INVESTIGATING
    )
    assert Incident.objects.filter(complaint=complaint).count() == 1


def test_acceptance_links_a_matching_110_call(org_tree, chief):
    when = timezone.now() - timedelta(hours=3)
    call = services.open_incident(
        by=None,
        report=IncidentReport(
            source="call_110",
            category="home-burglary",
            lon=48.551,
            lat=34.851,
            occurred_at=when - timedelta(minutes=20),
        ),
    )
    complaint = _file(incident_at=when)
    # Accepted by giving it to an officer ("assigned" without one is refused).
    complaint_services.assign_complaints(by=chief, complaints=[complaint], officer=chief)
    call.refresh_from_db()
    assert call.complaint == complaint
    assert Incident.objects.count() == 1


def test_rejected_complaint_creates_nothing(org_tree, chief):
    complaint = _file()
    complaint_services.change_status(
        by=chief, complaint=complaint, to_status=workflow.REJECTED, reason="تکراری است"
    )
    assert not Incident.objects.exists()
