"""Every count derived from incidents follows every write, and drift is found and reported."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kalantar.core.models import AuditEntry
from kalantar.incidents import projection, services
from kalantar.incidents.importer import import_text
from kalantar.incidents.models import DailyCount, Incident, UnitDailyCount
from kalantar.org.models import Unit
from kalantar.portal.models import ClosedIncidentCount

CSV = (
    "occurred_at,category,lat,lon,external_id\n"
    "2025-03-01T21:00:00+00:00,snatching,34.85,48.55,A1\n"
    "2025-03-02T08:00:00+03:30,fraud,34.85,48.65,A2\n"
)


@pytest.fixture
def units(org_tree):
    station = Unit.objects.get(code="HM01K01")
    return {"near": services.add_patrol_unit(by=None, station=station, call_sign="11-1")}


def _every_write(incident_at, units) -> None:
    t0 = timezone.now() - timedelta(hours=2)
    incident = incident_at(t0 - timedelta(minutes=3), received_at=t0)
    dispatch = services.dispatch_unit(by=None, incident=incident, unit=units["near"], at=t0)
    services.mark_on_scene(by=None, dispatch=dispatch, at=t0 + timedelta(minutes=5))
    services.clear_dispatch(by=None, dispatch=dispatch, at=t0 + timedelta(minutes=30))
    services.set_times(by=None, incident=incident, on_scene_at=t0 + timedelta(minutes=6))
    services.close_incident(by=None, incident=incident, outcome="پایان")
    incident_at(t0, category="fraud")  # stays open: counted daily, not publicly
    import_text(CSV)
    import_text(CSV.replace("34.85,48.55,A1", "34.25,48.85,A1"))  # A1 moves to HM02K01


def test_every_write_path_leaves_every_count_equal_to_a_recount(incident_at, units):
    _every_write(incident_at, units)
    assert Incident.objects.count() == 4
    assert sum(DailyCount.objects.values_list("count", flat=True)) == 4
    assert sum(ClosedIncidentCount.objects.values_list("count", flat=True)) == 3
    drifts = services.verify_counts()
    assert [d.name for d in drifts] == ["daily_counts", "public_counts"]
    assert not any(drifts), [d.examples for d in drifts]


def test_planted_drift_is_reported_and_fixed_only_when_asked(incident_at, units, capsys):
    _every_write(incident_at, units)
    DailyCount.objects.filter(category="fraud").update(count=7)  # wrong
    UnitDailyCount.objects.filter(unit__code="HM02").delete()  # missing
    ClosedIncidentCount.objects.create(  # extra
        station=Unit.objects.get(code="HM01K02"), month="2025-02-20", category="x", cell="", count=1
    )
    planted = _stored()

    with pytest.raises(CommandError):
        call_command("verify_counts")
    out = capsys.readouterr().out
    assert "daily_counts" in out and "public_counts" in out
    assert _stored() == planted  # reported, nothing rewritten
    assert not AuditEntry.objects.filter(action="incidents.rebuild_counts").exists()

    call_command("verify_counts", "--fix")
    assert _stored() != planted
    assert not any(services.verify_counts())
    entry = AuditEntry.objects.get(action="incidents.rebuild_counts")
    assert set(entry.detail["fixed"]) == {"daily_counts", "public_counts"}


def _stored():
    return (
        sorted(DailyCount.objects.values_list("station_id", "category", "day", "count")),
        sorted(UnitDailyCount.objects.values_list("unit_id", "category", "day", "count")),
        sorted(ClosedIncidentCount.objects.values_list("station_id", "category", "count")),
    )


def test_counts_of_a_unit_that_does_not_exist_are_refused(org_tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        DailyCount.objects.create(station_id=987_654, category="fraud", day="2025-03-01", count=1)
        connection.check_constraints()  # the constraint is checked at commit


def test_a_failing_projection_fails_the_write(org_tree, incident_at, monkeypatch):
    def broken(change):
        raise RuntimeError("projection failed")

    monkeypatch.setitem(
        projection._projections, "broken", projection.Projection("broken", broken, None)
    )
    with pytest.raises(RuntimeError):
        incident_at()
    assert not Incident.objects.exists() and not DailyCount.objects.exists()


def test_recording_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError):
        projection.record(projection.Change(projection.Rows.empty(), projection.Rows.empty()))
