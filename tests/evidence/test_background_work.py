"""A redacted copy and a case's signed export are made in the background: the page answers
at once with the job being prepared, the worker makes the copy or the zip, a run delivered
again makes nothing twice, a refusal is explained in Persian and changes nothing, and
another station's chief finds neither the job nor its file."""

from __future__ import annotations

import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from kalantar.core import jobs
from kalantar.core.models import AuditEntry, Job, JobFile, Task
from kalantar.evidence import background, services
from kalantar.evidence.models import Derivation, EvidenceItem, IncidentLink, Quarantine
from tests.background import run_background_tasks
from tests.evidence import clips
from tests.factories import IncidentFactory

PREPARING = "در حال آماده‌سازی"
CLIP = {
    "clip": "۰:۰۱ تا ۰:۰۳",
    "mute": "",
    "form-TOTAL_FORMS": "1",
    "form-INITIAL_FORMS": "0",
    "form-0-on": "on",
    "form-0-start": "۰:۰۱",
    "form-0-end": "۰:۰۲",
    "form-0-x": "۶۰",
    "form-0-y": "۴۰",
    "form-0-width": "۴۰",
    "form-0-height": "۴۰",
    "action": "make",
}


@pytest.fixture
def item(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    started = timezone.now() - timedelta(minutes=5)
    path = clips.clip_with_sound(tmp_path / "shift.mp4", started=started)
    found, _new = services.ingest_file(by=None, path=path, device=cameras["BWC-101"])
    return found


@pytest.fixture
def chief(client, people):
    client.force_login(people["chief"])
    return client


@pytest.fixture
def case(item):
    incident = IncidentFactory.create(station=item.station)
    IncidentLink.objects.create(item=item, incident=incident, status=IncidentLink.Status.LINKED)
    return incident


def _redact(client, item):
    return client.post(reverse("evidence:item_redact", args=[item.pk]), CLIP)


def _export(client, incident):
    return client.post(reverse("evidence:incident_export", args=[incident.number]))


def _crash_once(monkeypatch, settings) -> list[str]:
    """The worker's first attempt dies inside its transaction, after the job's writes."""
    settings.TASK_RETRY_BASE_SECONDS = 0
    finish, crashes = jobs._finish, []

    def crash(job, result):
        if not crashes:
            crashes.append(job.kind)
            raise OSError("worker lost its disk")
        finish(job, result)

    monkeypatch.setattr(jobs, "_finish", crash)
    return crashes


# -- A redacted copy ---------------------------------------------------------------------


def test_the_editor_answers_at_once_and_the_worker_makes_the_copy(chief, item, people):
    response = _redact(chief, item)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert not Derivation.objects.exists()
    page = chief.get(job.get_absolute_url()).content.decode()
    assert PREPARING in page and "نسخهٔ پوشیده‌شده" in page

    run_background_tasks()
    copy = Derivation.objects.get(parent=item).item
    page = chief.get(job.get_absolute_url()).content.decode()
    assert "آماده" in page and copy.get_absolute_url() in page
    assert (
        copy.get_absolute_url() + "download/" in chief.get(copy.get_absolute_url()).content.decode()
    )
    assert AuditEntry.objects.get(action="evidence.derived").actor_id == people["chief"].pk


def test_a_redaction_retried_after_a_crash_makes_one_copy(chief, item, monkeypatch, settings):
    crashes = _crash_once(monkeypatch, settings)
    _redact(chief, item)
    run_background_tasks()
    assert crashes == ["evidence.redaction"]
    # And delivered once more after it was done.
    Task.objects.filter(name=jobs.TASK_NAME).update(status=Task.Status.QUEUED)
    run_background_tasks()
    assert Derivation.objects.count() == 1 and EvidenceItem.objects.count() == 2
    assert AuditEntry.objects.filter(action="evidence.redaction_made").count() == 1
    assert Job.objects.get().status == Job.Status.DONE


def test_a_recording_quarantined_meanwhile_is_not_redacted(chief, item):
    _redact(chief, item)
    Quarantine.objects.create(item=item, reason=Quarantine.Reason.MISMATCH)
    run_background_tasks()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    page = chief.get(job.get_absolute_url()).content.decode()
    assert "ناموفق" in page and "چیزی تغییر نکرد" in page
    assert job.errors == ["مدرکِ در قرنطینه را نمی‌توان پوشاند."]
    assert not Derivation.objects.exists()


def test_another_station_does_not_find_the_redaction(chief, item, people, client):
    _redact(chief, item)
    run_background_tasks()
    job = Job.objects.get()
    client.force_login(people["other_chief"])
    assert client.get(job.get_absolute_url()).status_code == 404


# -- A case's signed export --------------------------------------------------------------


def test_the_case_page_answers_at_once_and_the_worker_makes_the_zip(chief, case, item, people):
    response = _export(chief, case)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert not AuditEntry.objects.filter(action="evidence.exported").exists()
    assert PREPARING in chief.get(job.get_absolute_url()).content.decode()
    assert chief.get(reverse("core:job_download", args=[job.pk])).status_code == 404

    run_background_tasks()
    page = chief.get(job.get_absolute_url()).content.decode()
    assert "آماده" in page and reverse("core:job_download", args=[job.pk]) in page
    download = chief.get(reverse("core:job_download", args=[job.pk]))
    names = zipfile.ZipFile(BytesIO(b"".join(download.streaming_content))).namelist()
    assert "manifest.json" in names and any(name.startswith(f"files/{item.pk}/") for name in names)
    opened = AuditEntry.objects.get(action="files.open")
    assert opened.actor_id == people["chief"].pk


def test_an_export_retried_after_a_crash_is_made_once(chief, case, monkeypatch, settings):
    crashes = _crash_once(monkeypatch, settings)
    _export(chief, case)
    run_background_tasks()
    assert crashes == ["evidence.case_export"]
    Task.objects.filter(name=jobs.TASK_NAME).update(status=Task.Status.QUEUED)
    run_background_tasks()
    assert JobFile.objects.count() == 1
    assert AuditEntry.objects.filter(action="evidence.exported").count() == 1


def test_a_quarantined_item_is_not_exported_and_the_chief_is_told(chief, case, item):
    _export(chief, case)
    Quarantine.objects.create(item=item, reason=Quarantine.Reason.MISSING)
    run_background_tasks()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.output is None
    assert "قرنطینه" in chief.get(job.get_absolute_url()).content.decode()
    assert not AuditEntry.objects.filter(action="evidence.exported").exists()


def test_another_station_gets_neither_the_export_nor_its_file(chief, case, people, client):
    _export(chief, case)
    run_background_tasks()
    job = Job.objects.get()
    client.force_login(people["other_chief"])
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    # A chief of the same station may fetch it; a desk officer there may not.
    client.force_login(people["desk"])
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_a_cases_exports_are_found_behind_many_of_other_cases(people):
    """The case page lists the person's exports of that case, however many exports of
    other cases they started since."""
    chief = people["chief"]
    path = chief.unit.path
    mine = Job.objects.create(
        kind=background.CASE_EXPORT, started_by=chief, unit_path=path, arguments={"case": "A"}
    )
    Job.objects.bulk_create(
        Job(kind=background.CASE_EXPORT, started_by=chief, unit_path=path, arguments={"case": "B"})
        for _ in range(40)
    )
    assert [state.job for state in background.exports_of_case(chief, "A")] == [mine]
    assert background.exports_of_case(people["other_chief"], "A") == []
