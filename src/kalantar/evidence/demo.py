"""Demo evidence: cameras at the demo station, yesterday morning's shift of its patrol
cars and their officers (evidence.simulation, so the truth is known), the calls they were
sent to, and small generated clips ingested through the real service, which links them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path

import shapely
from django.utils import timezone

from kalantar.core.jalali import TEHRAN, tehran_today
from kalantar.evidence import media, redacting, services, simulation
from kalantar.evidence.models import Assignment, Camera, EvidenceItem
from kalantar.evidence.redaction import Box, Plan, Span
from kalantar.incidents import services as incident_services
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.models import Incident, PatrolUnit
from kalantar.org.models import Unit
from kalantar.people import services as people_services
from kalantar.people.demo import DEMO_PASSWORD
from kalantar.people.models import User

STATION, SEED, HOURS = "HM01K01", 14, 3
OFFICERS = (("ali", "علی"), ("reza", "رضا"), ("hasan", "حسن"), ("mehdi", "مهدی"))
CATEGORIES = ("traffic-accident", "snatching", "assault", "public-disorder", "threat")


def load(progress: Callable[[str], None] = lambda msg: None) -> None:
    station = Unit.objects.filter(code=STATION).first()
    units = list(PatrolUnit.objects.filter(station=station).order_by("call_sign")[:4])
    if station is None or not units or Camera.objects.exists():
        return
    start = datetime.combine(tehran_today() - timedelta(days=1), time(8), tzinfo=TEHRAN)
    shift = simulation.simulate(start, seed=SEED, units=len(units), hours=HOURS)
    officers = _officers(len(units))
    desk = User.objects.filter(username="desk").first() or officers[0]
    _shift_cameras(station, shift, units, officers, desk)
    incidents = _calls(station, shift, units)
    progress(f"{len(units) * 2} cameras, {len(incidents)} calls of a demo shift")
    linked = _recordings(shift)
    progress(f"{len(shift.recordings)} demo recordings, {linked} linked to their incidents")
    if _redacted_copy(station) is not None:
        progress("1 redacted copy (a clip with a blurred rectangle)")


def _officers(count: int) -> list:
    return [
        people_services.add_user(
            by=None,
            username=f"officer-{username}",
            role="desk_officer",
            unit_code=STATION,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name="نگهبان",
            check_password=False,
        )
        for username, first in OFFICERS[:count]
    ]


def serial(camera: str) -> str:
    """The demo serial of a simulated camera ("car-0" → "DEMO-CAR-1")."""
    kind, index = camera.split("-")
    return f"DEMO-{'CAR' if kind == 'car' else 'BWC'}-{int(index) + 1}"


def _shift_cameras(station: Unit, shift, units: list[PatrolUnit], officers: list, desk) -> None:
    """Each car's camera and each officer's body camera out for the shift and back at its
    end, the clock offset the dock read then (backdated: the demo's shift was yesterday)."""
    for index, unit in enumerate(units):
        for camera, holder in ((f"car-{index}", {"patrol": unit}), (f"body-{index}", {})):
            holder = holder or {"officer": officers[index]}
            kind = Camera.Kind.CAR if camera.startswith("car") else Camera.Kind.BODY
            services.register_camera(by=None, serial=serial(camera), kind=kind, station=station)
            services.check_out_camera(by=desk, serial=serial(camera), **holder)
            drift = timedelta(seconds=shift.offsets[camera])
            done = services.check_in_camera(
                by=desk, serial=serial(camera), device_clock=timezone.now() + drift
            )
            Assignment.objects.filter(pk=done.pk).update(
                checked_out_at=shift.start, checked_in_at=shift.end
            )


def _calls(station: Unit, shift, units: list[PatrolUnit]) -> list[Incident]:
    """The shift's calls as incidents, each dispatched and cleared at its simulated times
    through the incidents service; the units' present status is left as it was."""
    statuses = {u.pk: u.status for u in units}
    lon, lat = _hq(station)
    incidents = []
    for attendance in shift.attendances:
        unit = units[attendance.unit]
        PatrolUnit.objects.filter(pk=unit.pk).update(status=PatrolUnit.Status.AVAILABLE)
        incident = incident_services.open_incident(
            by=None,
            report=IncidentReport(
                source=Incident.Source.CALL_110,
                category=CATEGORIES[attendance.incident % len(CATEGORIES)],
                lon=lon + 0.002 * (attendance.incident % 5),
                lat=lat - 0.0015 * (attendance.incident % 4),
                occurred_at=attendance.start - timedelta(minutes=4),
                received_at=attendance.start - timedelta(minutes=2),
                priority=None,
            ),
            station=station,
        )
        dispatch = incident_services.dispatch_unit(
            by=None, incident=incident, unit=unit, at=attendance.start
        )
        incident_services.clear_dispatch(by=None, dispatch=dispatch, at=attendance.end)
        incidents.append(incident)
    for pk, status in statuses.items():
        PatrolUnit.objects.filter(pk=pk).update(status=status)
    return incidents


def _hq(station: Unit) -> tuple[float, float]:
    if station.hq_lon is not None and station.hq_lat is not None:
        return station.hq_lon, station.hq_lat
    point = shapely.geometry.shape(station.jurisdiction.geometry).representative_point()
    return point.x, point.y


def _recordings(shift) -> int:
    """Every simulated recording as a clip of a few seconds stamped with the device's
    clock, offloaded from its camera's dock; returns how many the linker linked."""
    cameras = {c.serial: c for c in Camera.objects.all()}
    with tempfile.TemporaryDirectory() as folder:
        for number, recording in enumerate(shift.recordings):
            path = Path(folder) / f"{serial(recording.camera)}-{number:04d}.mp4"
            media.write_clip(
                path,
                device_start=recording.device_start,
                seconds=2 + number % 3,
                location=(35.69 + 0.001 * number, 51.39),
            )
            services.ingest_file(by=None, path=path, device=cameras[serial(recording.camera)])
    return EvidenceItem.objects.filter(incident_links__status="linked").distinct().count()


def _redacted_copy(station: Unit) -> EvidenceItem | None:
    """The station chief's redacted copy of a linked recording: the middle of it, with a
    rectangle blurred over the place a passer-by's face would be."""
    chief = User.objects.filter(username="chief").first()
    item = (
        EvidenceItem.objects.filter(
            station=station, incident_links__status="linked", media__duration_seconds__gte=4
        )
        .order_by("pk")
        .first()
    )
    if chief is None or item is None:
        return None
    plan = Plan(clip=Span(0.5, 3.5), blur=(Box(0.5, 3.0, 50, 30, 60, 60),))
    return redacting.redact(by=chief, item=item, plan=plan)
