"""Retention: the longest period wins, a hold stops the clock, expired items are queued,
deleted a week later only with the chief's approval and unless undone, and leave a tombstone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kalantar.complaints import workflow
from kalantar.complaints.models import Complaint
from kalantar.core.models import AuditEntry
from kalantar.evidence import retention, selectors, services, store
from kalantar.evidence.models import (
    Deletion,
    EvidenceItem,
    FixityCheck,
    IncidentLink,
    RetentionPeriod,
)
from kalantar.incidents import services as incident_services
from kalantar.incidents.models import Incident, PatrolUnit
from tests.evidence.conftest import MP4, write
from tests.factories import IncidentFactory, file_complaint

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_the_longest_period_wins_and_indefinite_keeps():
    assert retention.expires_at(T0, [90, 365], []) == T0 + timedelta(days=365)
    assert retention.expires_at(T0, [90, None], []) is None
    assert retention.expires_at(T0, [], []) is None


def test_a_hold_stops_the_clock():
    hold = (T0 + timedelta(days=10), T0 + timedelta(days=40))
    assert retention.expires_at(T0, [90], [hold]) == T0 + timedelta(days=120)
    assert retention.expires_at(T0, [90], [(hold[0], None)]) is None


@pytest.fixture
def item(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    write(tmp_path, "a.mp4", MP4)
    item, _ = services.ingest_file(by=None, path=tmp_path / "a.mp4", device=cameras["BWC-101"])
    EvidenceItem.objects.filter(pk=item.pk).update(
        category=EvidenceItem.Category.NO_VALUE, uploaded_at=timezone.now() - timedelta(days=91)
    )
    item.refresh_from_db()
    return item


def _actions(item) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="evidence.evidenceitem", object_id=str(item.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_an_expired_item_is_deleted_a_week_after_the_chiefs_approval(item, people, settings):
    assert RetentionPeriod.objects.get(category="no_value").days == 90  # the default
    assert services.queue_expired() == 1
    assert services.queue_expired() == 0  # queued once
    deletion = Deletion.objects.get()
    path = store.original_path(settings.EVIDENCE_DIR, item.original.sha256)
    assert services.carry_out_due(now=deletion.due_at + timedelta(hours=1)) == 0  # no approval
    with pytest.raises(ValidationError):
        services.approve_deletion(by=people["desk"], deletion=deletion, why="no value")
    services.approve_deletion(by=people["chief"], deletion=deletion, why="no evidential value")
    assert services.carry_out_due(now=deletion.due_at - timedelta(hours=1)) == 0  # not yet
    assert path.exists()
    assert services.carry_out_due(now=deletion.due_at + timedelta(hours=1)) == 1
    assert not path.exists()
    tombstone = Deletion.objects.get()
    assert (tombstone.sha256, tombstone.size, tombstone.category) == (
        item.original.sha256,
        item.original.size,
        "no_value",
    )
    assert tombstone.approved_by == people["chief"]
    assert tombstone.approval_reason == "no evidential value"
    assert not selectors.items_for(people["chief"]).exists()
    assert _actions(item)[-3:] == [
        "evidence.deletion_queued",
        "evidence.deletion_approved",
        "evidence.deletion_done",
    ]
    # The deliberate deletion is not a fixity failure.
    assert services.run_fixity() == (0, 0) and not FixityCheck.objects.exists()


def test_an_undone_deletion_is_not_carried_out(item, people, settings):
    services.queue_expired()
    deletion = Deletion.objects.get()
    services.approve_deletion(by=people["chief"], deletion=deletion, why="no value")
    services.undo_deletion(by=people["chief"], deletion=deletion)
    assert services.carry_out_due(now=deletion.due_at + timedelta(days=1)) == 0
    assert store.original_path(settings.EVIDENCE_DIR, item.original.sha256).exists()
    assert services.queue_expired() == 0  # a person decided to keep it
    assert "evidence.deletion_undone" in _actions(item)


def test_a_legal_hold_keeps_an_expired_item(item, people):
    hold = services.place_hold(by=people["chief"], item=item, reason="court order 12")
    assert services.queue_expired() == 0
    services.lift_hold(by=people["chief"], hold=hold, reason="court released it")
    # The clock stood still while held (moments here), so the item is expired again.
    assert services.queue_expired() == 1
    assert {"evidence.hold_placed", "evidence.hold_lifted"} <= set(_actions(item))


def test_a_hold_stops_a_queued_deletion(item, people):
    services.queue_expired()
    deletion = Deletion.objects.get()
    services.approve_deletion(by=people["chief"], deletion=deletion, why="no value")
    services.place_hold(by=people["chief"], item=item, reason="appeal")
    assert services.carry_out_due(now=deletion.due_at + timedelta(days=1)) == 0


def test_a_category_without_a_period_is_kept(item):
    EvidenceItem.objects.filter(pk=item.pk).update(category=EvidenceItem.Category.SERIOUS_CRIME)
    assert services.queue_expired() == 0


# --- Linked to an open case: kept until it closes, then counted from the closing -------------


def test_the_clock_starts_when_the_last_case_closes():
    closed = T0 + timedelta(days=200)
    assert retention.clock_start(T0, []) == T0
    assert retention.clock_start(T0, [closed, None]) is None  # one case still open
    assert retention.clock_start(T0, [closed, T0 + timedelta(days=5)]) == closed


def _link_incident(item):
    incident = IncidentFactory.create()
    IncidentLink.objects.create(item=item, incident=incident, status=IncidentLink.Status.LINKED)
    return incident


def test_an_item_of_an_open_incident_is_never_queued(item):
    incident = _link_incident(item)
    far = timezone.now() + timedelta(days=3650)
    assert services.retention_end(item) is None
    assert services.queue_expired(now=far) == 0
    incident_services.dispatch_unit(
        by=None,
        incident=incident,
        unit=PatrolUnit.objects.create(station=item.station, call_sign="۱۱-ج"),
    )
    incident.refresh_from_db()
    assert incident.status != Incident.Status.CLOSED
    assert services.queue_expired(now=far) == 0


def test_after_the_incident_closes_the_longest_period_counts_from_the_closing(item):
    incident = _link_incident(item)
    incident_services.close_incident(by=None, incident=incident, outcome="پایان")
    closed = AuditEntry.objects.get(action="incidents.close").at
    # No evidential value: 90 days, but from the closing, not from the upload 91 days ago.
    assert services.retention_end(item) == closed + timedelta(days=90)
    assert services.queue_expired() == 0
    RetentionPeriod.objects.create(category=EvidenceItem.Category.INCIDENT, days=400)
    assert services.retention_end(item) == closed + timedelta(days=400)  # the longest wins
    assert services.queue_expired(now=closed + timedelta(days=399)) == 0
    assert services.queue_expired(now=closed + timedelta(days=401)) == 1


def test_an_item_of_an_open_complaint_waits_for_its_closing(item, people):
    complaint = file_complaint()
    services.link_complaint(by=people["chief"], item=item, complaint=complaint)
    assert services.retention_end(item) is None
    assert services.queue_expired(now=timezone.now() + timedelta(days=3650)) == 0
    closed = timezone.now() - timedelta(days=10)
    Complaint.objects.filter(pk=complaint.pk).update(status=workflow.CLOSED, closed_at=closed)
    assert services.retention_end(item) == closed + timedelta(days=90)
    assert services.queue_expired() == 0
    assert services.queue_expired(now=closed + timedelta(days=91)) == 1
