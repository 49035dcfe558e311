"""The camera desk: check-out and check-in by a typed or scanned serial, with clear refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kalantar.core.models import AuditEntry
from kalantar.evidence import services
from kalantar.evidence.models import Assignment, Camera


def test_a_scanned_serial_in_persian_digits_checks_the_camera_out(client, cameras, people):
    client.force_login(people["desk"])
    response = client.post(
        reverse("evidence:desk_act"),
        {"action": "out", "serial": "bwc-۱۰۱\n", "officer": people["officer"].pk},
    )
    assert response.status_code == 302
    camera = Camera.objects.get(serial="BWC-101")
    assert camera.status == Camera.Status.CHECKED_OUT
    assignment = Assignment.objects.open().get(camera=camera)
    assert assignment.officer == people["officer"]
    assert AuditEntry.objects.filter(action="evidence.camera_checked_out").count() == 1
    page = client.get(reverse("evidence:desk")).content.decode()
    assert "علی رضایی" in page


def _refusal(client, data) -> str:
    response = client.post(reverse("evidence:desk_act"), data)
    assert response.status_code == 400
    return response.content.decode()


def test_the_desk_refuses_in_persian_and_changes_nothing(client, cameras, people):
    client.force_login(people["desk"])
    client.cookies["kalantar_language"] = "fa"
    officer = people["officer"].pk
    assert "هیچ دوربینی" in _refusal(
        client, {"action": "out", "serial": "NOPE", "officer": officer}
    )
    assert "کلانتری دیگری" in _refusal(
        client, {"action": "out", "serial": "BWC-201", "officer": officer}
    )
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    assert "تحویل داده شده" in _refusal(
        client, {"action": "out", "serial": "BWC-101", "officer": officer}
    )
    assert "تحویل داده نشده" in _refusal(client, {"action": "in", "serial": "CAR-7"})
    assert Assignment.objects.count() == 1
    assert Camera.objects.get(serial="BWC-201").status == Camera.Status.AVAILABLE


def test_check_in_records_the_cameras_clock_offset(cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    ahead = timezone.now() + timedelta(minutes=62)
    assignment = services.check_in_camera(by=people["desk"], serial="bwc-101", device_clock=ahead)
    assert assignment.checked_in_at is not None
    assert 3715 <= assignment.clock_offset_seconds <= 3725
    assert Camera.objects.get(serial="BWC-101").status == Camera.Status.AVAILABLE


def test_a_car_camera_goes_to_a_patrol_unit(cameras, people, patrol):
    assignment = services.check_out_camera(by=people["desk"], serial="CAR-7", patrol=patrol)
    assert assignment.holder == patrol
    with pytest.raises(ValidationError):
        services.check_out_camera(
            by=people["desk"], serial="BWC-101", officer=people["officer"], patrol=patrol
        )


def test_each_station_sees_only_its_own_cameras(client, cameras, people):
    client.force_login(people["other_chief"])
    page = client.get(reverse("evidence:desk")).content.decode()
    assert "BWC-201" in page
    assert "BWC-101" not in page and "CAR-7" not in page
