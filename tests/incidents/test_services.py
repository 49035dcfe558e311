from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import h3
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kalantar.core.models import AuditEntry
from kalantar.incidents import geometry, services
from kalantar.incidents.models import DailyCount, Dispatch, Incident, PatrolUnit


def _messages(exc: ValidationError) -> str:
    return " ".join(m for msgs in exc.message_dict.values() for m in msgs)


def test_open_incident_routes_to_the_station_of_the_place(org_tree, incident_at):
    incident = incident_at(lon=48.65, lat=34.85)
    assert incident.station.code == "HM01K02"
    assert incident.number.count("-") == 1
    assert incident.h3_cell == h3.latlng_to_cell(34.85, 48.65, 9)
    assert incident.status == Incident.Status.OPEN
    assert AuditEntry.objects.filter(action="incidents.open", object_id=str(incident.pk)).exists()


def test_numbers_are_unique_and_consecutive(org_tree, incident_at):
    a, b = incident_at(), incident_at()
    assert int(b.number.split("-")[1]) == int(a.number.split("-")[1]) + 1


def test_daily_count_follows_the_iranian_local_day(org_tree, incident_at):
    # 21:00 UTC on 1 March is 00:30 on 2 March in Tehran.
    late = datetime(2025, 3, 1, 21, 0, tzinfo=UTC)
    incident_at(late)
    incident_at(late + timedelta(minutes=5))
    incident_at(late, category="fraud")
    row = DailyCount.objects.get(station__code="HM01K01", category="snatching")
    assert row.day == date(2025, 3, 2) and row.count == 2
    assert DailyCount.objects.get(category="fraud").count == 1


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"category": "dragon-theft"}, "category", "ناشناخته"),
        ({"lon": 10.0, "lat": 10.0}, "location", "خارج"),
        ({"lon": float("nan")}, "location", "معتبر"),
    ],
)
def test_bad_input_is_refused_in_persian_and_nothing_is_written(
    org_tree, incident_at, kwargs, field, words
):
    with pytest.raises(ValidationError) as err:
        incident_at(**kwargs)
    assert field in err.value.message_dict
    assert words in _messages(err.value)
    assert Incident.objects.count() == 0 and DailyCount.objects.count() == 0


def test_received_before_it_happened_is_refused(org_tree, incident_at):
    now = timezone.now()
    with pytest.raises(ValidationError) as err:
        incident_at(now - timedelta(hours=1), received_at=now - timedelta(hours=2))
    assert "received_at" in err.value.message_dict
    assert Incident.objects.count() == 0


def test_a_station_cannot_record_for_another(org_tree, incident_at, chief2):
    with pytest.raises(ValidationError):
        incident_at(by=chief2)  # the point lies in HM01K01
    assert Incident.objects.count() == 0


@pytest.fixture
def units(org_tree):
    station = org_tree["HM01K01"]
    near = services.add_patrol_unit(
        by=None, station=station, call_sign="۱۱-۱", lon=48.56, lat=34.86
    )
    far = services.add_patrol_unit(by=None, station=station, call_sign="11-2", lon=48.59, lat=34.89)
    off = services.add_patrol_unit(by=None, station=station, call_sign="11-3", lon=48.55, lat=34.85)
    services.set_unit_status(by=None, unit=off, status=PatrolUnit.Status.OFF_DUTY)
    other = services.add_patrol_unit(
        by=None, station=org_tree["HM01K02"], call_sign="12-1", lon=48.551, lat=34.851
    )
    return {"near": near, "far": far, "off": off, "other": other}


def test_recommendation_is_nearest_available_unit_of_the_station(org_tree, incident_at, units):
    incident = incident_at()
    recs = services.recommend_units(incident=incident)
    # Persian digits typed in the call sign are stored as Latin ones.
    assert [r.unit.call_sign for r in recs] == ["11-1", "11-2"]
    expected_km = geometry.haversine_km(48.56, 34.86, 48.55, 34.85)
    assert recs[0].distance_km == pytest.approx(expected_km, abs=0.01)
    assert 1.0 < expected_km < 1.6  # about 1.4 km between the two points
    assert recs[0].eta_minutes == math.ceil(expected_km / 40 * 60)  # 40 km/h by default


def test_dispatch_lifecycle_sets_times_and_frees_the_unit(org_tree, incident_at, units, chief1):
    t0 = timezone.now() - timedelta(minutes=30)
    incident = incident_at(t0 - timedelta(minutes=2), received_at=t0)
    d = services.dispatch_unit(
        by=chief1, incident=incident, unit=units["near"], at=t0 + timedelta(minutes=1)
    )
    units["near"].refresh_from_db()
    assert units["near"].status == PatrolUnit.Status.DISPATCHED
    # A dispatched unit is no longer recommended nor dispatchable.
    assert "11-1" not in [r.unit.call_sign for r in services.recommend_units(incident=incident)]
    with pytest.raises(ValidationError):
        services.dispatch_unit(by=chief1, incident=incident, unit=units["near"])
    services.mark_on_scene(by=chief1, dispatch=d, at=t0 + timedelta(minutes=9))
    services.clear_dispatch(by=chief1, dispatch=d, outcome="رفع شد", at=t0 + timedelta(minutes=40))
    incident.refresh_from_db()
    units["near"].refresh_from_db()
    assert incident.status == Incident.Status.CLEARED
    assert incident.on_scene_at - incident.received_at == timedelta(minutes=9)
    assert units["near"].status == PatrolUnit.Status.AVAILABLE
    services.close_incident(by=chief1, incident=incident, outcome="رفع شد")
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED


def test_units_of_another_station_cannot_be_dispatched(org_tree, incident_at, units):
    incident = incident_at()
    with pytest.raises(ValidationError):
        services.dispatch_unit(by=None, incident=incident, unit=units["other"])
    assert not Dispatch.objects.exists()


def test_another_station_cannot_dispatch(org_tree, incident_at, units, chief2):
    incident = incident_at()
    with pytest.raises(ValidationError):
        services.dispatch_unit(by=chief2, incident=incident, unit=units["near"])
    assert not Dispatch.objects.exists()


def test_cleared_before_received_is_refused(org_tree, incident_at, units):
    t0 = timezone.now() - timedelta(minutes=30)
    incident = incident_at(t0 - timedelta(minutes=5), received_at=t0)
    with pytest.raises(ValidationError) as err:
        services.set_times(by=None, incident=incident, cleared_at=t0 - timedelta(minutes=1))
    assert "cleared_at" in err.value.message_dict
    incident.refresh_from_db()
    assert incident.cleared_at is None
    with pytest.raises(ValidationError):
        services.close_incident(
            by=None, incident=incident, outcome="x", at=t0 - timedelta(minutes=1)
        )
    incident.refresh_from_db()
    assert incident.status == Incident.Status.OPEN


def test_closing_frees_units_still_on_the_incident(org_tree, incident_at, units):
    incident = incident_at()
    services.dispatch_unit(by=None, incident=incident, unit=units["near"])
    services.close_incident(by=None, incident=incident, outcome="پایان")
    units["near"].refresh_from_db()
    assert units["near"].status == PatrolUnit.Status.AVAILABLE
    assert Dispatch.objects.get().cleared_at is not None


def test_scoping_two_stations_and_their_county(org_tree, incident_at, chief1, chief2, county_user):
    a = incident_at(lon=48.55, lat=34.85)
    b = incident_at(lon=48.65, lat=34.85)
    c = incident_at(lon=48.85, lat=34.25)  # HM02K01, another county
    assert list(Incident.objects.visible_to(chief1)) == [a] or set(
        Incident.objects.visible_to(chief1)
    ) == {a}
    assert set(Incident.objects.visible_to(chief2)) == {b}
    assert set(Incident.objects.visible_to(county_user)) == {a, b}
    assert c not in set(Incident.objects.visible_to(county_user))


def test_recounting_matches_live_counts(org_tree, incident_at):
    base = timezone.now() - timedelta(days=3)
    for i in range(7):
        incident_at(base + timedelta(hours=7 * i), category=("fraud", "assault")[i % 2])
    live = sorted(DailyCount.objects.values_list("station_id", "category", "day", "count"))
    assert not any(services.verify_counts())
    DailyCount.objects.all().delete()
    services.verify_counts(fix=True)
    assert sorted(DailyCount.objects.values_list("station_id", "category", "day", "count")) == live
    assert sum(r[3] for r in live) == 7
