"""Footage linked to the incident its camera's holder was out on: one match links, several
are suggested to the station chief, none leaves the item alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from kalantar.core.models import AuditEntry
from kalantar.evidence import media, services
from kalantar.evidence.linking import OFFICER, PATROL, Attendance, Holding, match
from kalantar.evidence.models import Assignment, IncidentLink
from kalantar.evidence.simulation import score, simulate
from kalantar.incidents import services as incident_services
from kalantar.incidents.models import PatrolUnit
from tests.factories import IncidentFactory

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


SHIFT_CAR = [Holding(PATROL, 1, _at(0), _at(480))]
SHIFT_BODY = [Holding(OFFICER, 9, _at(0), _at(480))]
CALLS = [Attendance(100, 1, _at(60), _at(90)), Attendance(200, 2, _at(70), _at(120))]


def test_a_car_camera_links_to_its_own_units_incident():
    assert match((_at(75), _at(80)), SHIFT_CAR, CALLS).incidents == (100,)
    assert match((_at(75), _at(80)), SHIFT_CAR, CALLS).unique


def test_a_body_camera_during_two_calls_is_ambiguous():
    found = match((_at(75), _at(80)), SHIFT_BODY, CALLS)
    assert found.incidents == (100, 200) and not found.unique


def test_nothing_matches_outside_calls_or_off_shift():
    assert match((_at(20), _at(25)), SHIFT_CAR, CALLS).incidents == ()
    off_shift = [Holding(PATROL, 1, _at(0), _at(30))]
    assert match((_at(75), _at(80)), off_shift, CALLS).incidents == ()


def test_an_uncleared_dispatch_still_matches():
    open_call = [Attendance(300, 1, _at(60), None)]
    assert match((_at(300), _at(301)), SHIFT_CAR, open_call).incidents == (300,)


def test_the_simulated_shifts_score_well_on_car_cameras():
    shifts = [simulate(_at(480 * i), seed=i) for i in range(20)]
    overall = score(shifts)
    assert overall.precision > 0.9
    assert score(shifts, correct_clocks=False).precision < overall.precision


def _shift(cameras, people, patrol):
    earlier = timezone.now() - timedelta(hours=2)
    services.check_out_camera(by=people["desk"], serial="CAR-7", patrol=patrol)
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    Assignment.objects.update(checked_out_at=earlier)
    other = PatrolUnit.objects.create(station=patrol.station, call_sign="۱۱-ب")
    first, second = IncidentFactory.create(), IncidentFactory.create()
    now = timezone.now()
    incident_services.dispatch_unit(by=None, incident=first, unit=patrol, at=now)
    incident_services.dispatch_unit(by=None, incident=second, unit=other, at=now)
    return first, second


def _ingest(tmp_path, cameras, serial, name):
    # Each camera's clip of its own length: the same bytes twice would be one original.
    seconds = 2 if serial.startswith("CAR") else 3
    clip = media.write_clip(
        tmp_path / name, device_start=timezone.now() + timedelta(seconds=30), seconds=seconds
    )
    item, _new = services.ingest_file(by=None, path=clip, device=cameras[serial])
    return item


def test_ingested_footage_links_or_is_suggested(client, tmp_path, cameras, people, patrol):
    first, second = _shift(cameras, people, patrol)
    car = _ingest(tmp_path, cameras, "CAR-7", "car.mp4")
    assert [(x.incident, x.status) for x in car.incident_links.all()] == [
        (first, IncidentLink.Status.LINKED)
    ]
    linked = AuditEntry.objects.get(action="evidence.linked", object_id=str(car.pk))
    assert linked.detail == {"incidents": [first.number]}

    body = _ingest(tmp_path, cameras, "BWC-101", "body.mp4")
    suggested = body.incident_links.filter(status=IncidentLink.Status.SUGGESTED)
    assert {x.incident for x in suggested} == {first, second}

    client.force_login(people["chief"])
    client.cookies["kalantar_language"] = "en"
    page = client.get(reverse("evidence:item", args=[body.pk])).content.decode()
    assert second.number in page
    link = suggested.get(incident=second)
    url = reverse("evidence:link_decide", args=[body.pk, link.pk])
    assert client.post(url, {"decision": "confirm"}).status_code == 302
    link.refresh_from_db()
    assert link.status == IncidentLink.Status.LINKED and link.decided_by == people["chief"]
    assert AuditEntry.objects.filter(
        action="evidence.link_confirmed", object_id=str(body.pk), actor=people["chief"]
    ).exists()


def test_a_desk_officer_or_another_station_cannot_decide(client, tmp_path, cameras, people, patrol):
    _shift(cameras, people, patrol)
    body = _ingest(tmp_path, cameras, "BWC-101", "body.mp4")
    link = body.incident_links.first()
    url = reverse("evidence:link_decide", args=[body.pk, link.pk])
    client.force_login(people["desk"])
    assert client.post(url, {"decision": "confirm"}).status_code == 403
    client.force_login(people["other_chief"])
    assert client.post(url, {"decision": "confirm"}).status_code == 404
    link.refresh_from_db()
    assert link.status == IncidentLink.Status.SUGGESTED


def test_a_body_camera_of_a_patrols_crew_rides_with_it_and_links_to_its_dispatch(
    tmp_path, cameras, people, patrol
):
    patrol.crew.add(people["officer"])
    first, _second = _shift(cameras, people, patrol)
    assignment = Assignment.objects.get(camera=cameras["BWC-101"])
    assert assignment.rides_with == patrol
    details = AuditEntry.objects.filter(action="evidence.camera_checked_out").values_list(
        "detail", flat=True
    )
    body_out = next(d for d in details if d["serial"] == "BWC-101")
    assert body_out["rides_with"] == patrol.call_sign
    body = _ingest(tmp_path, cameras, "BWC-101", "body.mp4")
    # Without the ride both dispatches were candidates (see the test above); now only the
    # unit's own incident, and it links.
    assert [(x.incident, x.status) for x in body.incident_links.all()] == [
        (first, IncidentLink.Status.LINKED)
    ]


def test_a_crew_of_an_off_duty_unit_or_of_two_units_rides_with_none(cameras, people, patrol):
    patrol.crew.add(people["officer"])
    PatrolUnit.objects.filter(pk=patrol.pk).update(status=PatrolUnit.Status.OFF_DUTY)
    out = services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    assert out.rides_with is None
    services.check_in_camera(by=people["desk"], serial="BWC-101")
    PatrolUnit.objects.filter(pk=patrol.pk).update(status=PatrolUnit.Status.AVAILABLE)
    other = PatrolUnit.objects.create(station=patrol.station, call_sign="۱۱-د")
    other.crew.add(people["officer"])
    out = services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    assert out.rides_with is None  # which of the two is not for the system to guess
