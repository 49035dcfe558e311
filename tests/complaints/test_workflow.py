from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from kalantar.complaints import services, workflow
from kalantar.complaints.models import Complaint, ComplaintEvent
from kalantar.core.models import AuditEntry


@pytest.fixture
def chief(make_user):
    return make_user("chief", "station_chief", "HM01K01")


@pytest.fixture
def officer(make_user):
    return make_user("officer", "desk_officer", "HM01K01")


def test_the_whole_path_to_closing_and_rating(file, chief, officer):
    complaint = file()
    services.assign_complaints(by=chief, complaints=[complaint], officer=officer)
    complaint.refresh_from_db()
    assert complaint.status == workflow.ASSIGNED and complaint.first_action_at is not None
    for status in (workflow.INVESTIGATING, workflow.RESOLVED, workflow.CLOSED):
        complaint = services.change_status(by=chief, complaint=complaint, to_status=status)
    assert complaint.closed_at and complaint.finished_at
    services.rate_complaint(complaint=complaint, score=5, comment="سپاس")
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert kinds == ["filed", "assigned", "status", "status", "status", "rated"]
    assert AuditEntry.objects.filter(action="complaints.status").count() == 3


def test_moves_the_workflow_does_not_allow_change_nothing(file, chief):
    complaint = file()
    with pytest.raises(ValidationError):
        services.change_status(by=chief, complaint=complaint, to_status=workflow.CLOSED)
    complaint.refresh_from_db()
    assert complaint.status == workflow.REGISTERED
    assert not complaint.events.filter(kind="status").exists()


def test_rejection_needs_a_reason(file, chief):
    complaint = file()
    with pytest.raises(ValidationError):
        services.change_status(by=chief, complaint=complaint, to_status=workflow.REJECTED)
    complaint = services.change_status(
        by=chief, complaint=complaint, to_status=workflow.REJECTED, reason="خارج از صلاحیت"
    )
    assert complaint.rejection_reason == "خارج از صلاحیت"


def test_another_stations_staff_cannot_act(file, make_user):
    complaint = file()
    stranger = make_user("stranger", "station_chief", "HM01K02")
    with pytest.raises(ValidationError):
        services.change_status(
            by=stranger, complaint=complaint, to_status=workflow.REJECTED, reason="x"
        )
    officer_elsewhere = make_user("o2", "desk_officer", "HM01K02")
    chief = make_user("chief", "station_chief", "HM01K01")
    with pytest.raises(ValidationError):
        services.assign_complaints(by=chief, complaints=[complaint], officer=officer_elsewhere)


def test_rating_only_after_closing_and_once(file, chief):
    complaint = file()
    with pytest.raises(ValidationError):
        services.rate_complaint(complaint=complaint, score=4)
    for status in (workflow.REJECTED, workflow.CLOSED):
        complaint = services.change_status(
            by=chief, complaint=complaint, to_status=status, reason="تکراری"
        )
    with pytest.raises(ValidationError):
        services.rate_complaint(complaint=complaint, score=9)
    services.rate_complaint(complaint=complaint, score=2)
    with pytest.raises(ValidationError):
        services.rate_complaint(complaint=complaint, score=3)


def test_overdue_complaints_escalate_to_the_chief_then_the_county(file, capsys):
    complaint = file()
    assert services.escalate_overdue() == (0, 0)
    late = complaint.first_action_due + timedelta(minutes=1)
    assert services.escalate_overdue(now=late) == (1, 0)
    assert services.escalate_overdue(now=late + timedelta(hours=1)) == (0, 0)
    assert services.escalate_overdue(now=late + timedelta(hours=25)) == (0, 1)
    complaint.refresh_from_db()
    assert complaint.escalation_level == 2
    notes = list(complaint.events.filter(kind="escalated").values_list("note", flat=True))
    assert len(notes) == 2 and "HM01" not in notes[0]


def test_escalate_overdue_command(file, capsys):
    complaint = file()
    Complaint.objects.filter(pk=complaint.pk).update(
        first_action_due=timezone.now() - timedelta(hours=1)
    )
    call_command("escalate_overdue")
    assert "1" in capsys.readouterr().out
    assert ComplaintEvent.objects.filter(kind="escalated").count() == 1
