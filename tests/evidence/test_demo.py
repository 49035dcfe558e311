"""The evidence demo: a shift of cameras, calls and clips, the clips linked by the linker."""

from __future__ import annotations

from kalantar.evidence import demo
from kalantar.evidence.models import Camera, Derivation, EvidenceItem, IncidentLink, MediaFacts
from kalantar.incidents.models import Incident, PatrolUnit


def test_the_demo_shift_is_loaded_and_linked(org_tree, settings):
    units = [
        PatrolUnit.objects.create(station=org_tree["HM01K01"], call_sign=f"K01-{i}")
        for i in range(1, 5)
    ]
    PatrolUnit.objects.filter(pk=units[-1].pk).update(status=PatrolUnit.Status.OFF_DUTY)
    demo.load()
    assert Camera.objects.count() == 8
    items = EvidenceItem.objects.count()
    assert items >= 5
    recordings = MediaFacts.objects.filter(readable=True, codec="mpeg4")
    assert recordings.count() == EvidenceItem.objects.filter(derivation__isnull=True).count()
    # The clock offsets read at check-in put every clip back inside the shift.
    start = min(Incident.objects.values_list("received_at", flat=True))
    for item in EvidenceItem.objects.all():
        assert abs((item.recorded_from - start).total_seconds()) < 4 * 3600
    links = IncidentLink.objects.filter(status=IncidentLink.Status.LINKED)
    assert links.exists()
    # The units' present status is as the incidents demo left it.
    assert PatrolUnit.objects.get(pk=units[-1].pk).status == PatrolUnit.Status.OFF_DUTY
    demo.load()  # a second run adds nothing
    assert EvidenceItem.objects.count() == items


def test_demo_serials_name_the_simulated_cameras():
    assert demo.serial("car-0") == "DEMO-CAR-1" and demo.serial("body-3") == "DEMO-BWC-4"


def test_the_demo_has_a_redacted_clip(org_tree, make_user):
    make_user("chief", "station_chief", "HM01K01")
    for i in range(1, 5):
        PatrolUnit.objects.create(station=org_tree["HM01K01"], call_sign=f"K01-{i}")
    demo.load()
    (derivation,) = Derivation.objects.all()
    assert derivation.plan["clip"] and derivation.plan["blur"]
    assert derivation.item.original.sha256 != derivation.parent.original.sha256
    assert derivation.item.incident_links.filter(status=IncidentLink.Status.LINKED).exists()
