"""Fixity: the store read back against its hashes; a changed or missing file quarantines its
item, alerts the province's inspection office and stands in the item's custody chain."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from kalantar.core.extensions import periodic_jobs
from kalantar.core.models import AuditEntry
from kalantar.evidence import fixity, services, store
from kalantar.evidence.models import EvidenceItem, FixityCheck, Quarantine
from tests.evidence.conftest import MP4, PDF, write


@pytest.fixture
def items(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    write(tmp_path, "a.mp4", MP4)
    write(tmp_path, "b.pdf", PDF)
    first, _ = services.ingest_file(by=None, path=tmp_path / "a.mp4", device=cameras["BWC-101"])
    second, _ = services.ingest_file(by=None, path=tmp_path / "b.pdf", device=cameras["BWC-101"])
    return first, second


def _stored(settings, item: EvidenceItem):
    return store.original_path(settings.EVIDENCE_DIR, item.original.sha256)


def _verify_store() -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("evidence_verify_store", stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), exit_.code
    return out.getvalue(), 0


def _actions(item) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(item.pk), object_type="evidence.evidenceitem")
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_an_intact_store_passes_and_each_check_is_in_the_chain(items):
    output, code = _verify_store()
    assert code == 0 and "[2/2] 100%" in output
    assert not Quarantine.objects.exists()
    assert all(check.intact for check in FixityCheck.objects.all())
    assert _actions(items[0])[-1] == "evidence.fixity_checked"


def test_a_flipped_byte_quarantines_the_item_and_alerts_the_inspectors(
    items, settings, client, make_user, org_tree
):
    path = _stored(settings, items[0])
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    _output, code = _verify_store()
    assert code == 1
    alert = Quarantine.objects.get()
    assert alert.item == items[0] and alert.reason == Quarantine.Reason.MISMATCH
    assert alert.office == org_tree["HMINS"]
    assert "evidence.quarantined" in _actions(items[0])
    assert "evidence.quarantined" not in _actions(items[1])
    # The province's inspection office sees the alert.
    client.force_login(make_user("ins1", "inspector", "HMINS"))
    page = client.get(reverse("evidence:quarantines"))
    assert page.status_code == 200 and "a.mp" in page.content.decode()  # its digits are Persian
    # A second run raises no second alert for the same item.
    _verify_store()
    assert Quarantine.objects.count() == 1


def test_a_deleted_file_quarantines_the_item(items, settings):
    path = _stored(settings, items[1])
    path.chmod(0o644)
    path.unlink()
    _verify_store()
    alert = Quarantine.objects.get()
    assert alert.item == items[1] and alert.reason == Quarantine.Reason.MISSING


def test_a_station_chief_sees_no_alert_page(client, items, people):
    client.force_login(people["chief"])
    assert client.get(reverse("evidence:quarantines")).status_code == 403


def test_the_periodic_job_verifies_the_oldest_checked_share(items, settings):
    job = next(job for job in periodic_jobs() if job.name == "evidence_fixity")
    settings.EVIDENCE_FIXITY_DAYS = 30
    job.run()
    assert FixityCheck.objects.count() == 1  # 2 originals over ~650 hourly runs: 1 a run
    job.run()
    assert FixityCheck.objects.count() == 2  # the one never checked comes next


def test_the_share_covers_the_store_within_the_period():
    runs = int(30 * 86400 * fixity.MARGIN) // 3600
    for total in (0, 1, 649, 650, 10_000, 1_000_000):
        share = fixity.share(total, every_seconds=3600, period_days=30)
        assert share * runs >= total
        assert share <= total
