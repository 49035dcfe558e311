"""The incident import started from a page runs in the background: the page answers at
once with the job's "being prepared" state, the worker imports, a retried run imports
nothing twice, a bad file changes nothing, and another station's user never sees it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from kalantar.core import jobs
from kalantar.core.models import AuditEntry, Job, Task
from kalantar.incidents.models import DailyCount, Incident
from tests.background import run_background_tasks

HEADER = "occurred_at,category,lat,lon,source,external_id\n"
# Both rows lie in station HM01K01's jurisdiction; the second has no external id.
GOOD = (
    HEADER
    + "2025-03-01T21:00:00+00:00,snatching,34.85,48.55,,A1\n"
    + "2025-03-02T09:00:00+03:30,fraud,34.85,48.56,,\n"
)
PREPARING = "در حال آماده‌سازی"


def _upload(client, text: str | bytes, name: str = "incidents.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/incidents/import/", {"file": SimpleUploadedFile(name, data)})


@pytest.fixture
def chief1_client(client, chief1):
    client.force_login(chief1)
    return client


def test_the_page_answers_at_once_then_the_worker_imports(chief1_client, chief1):
    assert 'id="incident-import"' in chief1_client.get("/incidents/").content.decode()
    form = chief1_client.get("/incidents/import/").content.decode()
    assert "حداکثر ۶۰ مگابایت." in form
    response = _upload(chief1_client, GOOD)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert Incident.objects.count() == 0  # nothing imported inside the request
    page = chief1_client.get(f"/jobs/{job.pk}/").content.decode()
    assert PREPARING in page and 'hx-trigger="every 2s"' in page
    started = AuditEntry.objects.get(action="core.job.started")
    assert started.actor_id == chief1.pk and started.detail["file"] == "incidents.csv"

    assert run_background_tasks() == 1
    assert Incident.objects.count() == 2
    assert Incident.objects.get(external_id="A1").station.code == "HM01K01"
    page = chief1_client.get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "۲ رویداد ایجاد شد، ۰ به‌روز شد." in page
    assert "آماده" in page and "hx-trigger" not in page  # polling stops
    entry = AuditEntry.objects.get(action="incidents.import")
    assert entry.actor_id == chief1.pk and entry.detail == {"created": 2, "updated": 0}
    form = chief1_client.get("/incidents/import/").content.decode()
    assert f'href="/jobs/{job.pk}/"' in form  # among the person's recent imports


def test_a_run_repeated_after_its_commit_imports_nothing_twice(chief1_client):
    _upload(chief1_client, GOOD)
    run_background_tasks()
    # The worker died after the commit, before the queue heard of it: the lease ran out
    # and the task is delivered again.
    Task.objects.filter(name=jobs.TASK_NAME).update(status=Task.Status.QUEUED)
    assert run_background_tasks() == 1
    assert Incident.objects.count() == 2
    assert DailyCount.objects.get(category="fraud").count == 1
    assert AuditEntry.objects.filter(action="incidents.import").count() == 1


def test_a_crash_inside_the_import_leaves_nothing_and_the_retry_imports_once(
    chief1_client, settings, monkeypatch
):
    settings.TASK_RETRY_BASE_SECONDS = 0
    finish, crashes = jobs._finish, []

    def crash_once(job, result):
        if not crashes:
            crashes.append(Incident.objects.count())  # the rows were written…
            raise OSError("disk full")  # …and are rolled back with the job's completion
        finish(job, result)

    monkeypatch.setattr(jobs, "_finish", crash_once)
    _upload(chief1_client, GOOD)
    run_background_tasks()
    assert crashes == [2]
    assert Incident.objects.count() == 2  # the retry's, once
    job = Job.objects.get()
    assert job.status == Job.Status.DONE and job.task.attempts == 2
    assert AuditEntry.objects.filter(action="incidents.import").count() == 1


def test_invalid_rows_are_listed_in_persian_and_nothing_is_imported(chief1_client):
    bad = (
        HEADER
        + "2025-03-01T21:00:00+00:00,snatching,34.85,48.55,,A1\n"
        + "yesterday,snatching,34.85,48.55,,A2\n"
        + "2025-03-01T21:00:00+00:00,no_such_thing,34.85,48.55,,A3\n"
    )
    _upload(chief1_client, bad)
    run_background_tasks()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.task.status == Task.Status.SUCCEEDED
    page = chief1_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "ناموفق" in page and "چیزی تغییر نکرد" in page
    assert "سطر ۳:" in page and "سطر ۴:" in page
    assert "no_such_thing" in page
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("incidents.xlsx", b"occurred_at", "فقط پرونده‌های .csv"),
        ("incidents.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "پروندهٔ متنی نیست"),
        ("incidents.csv", b"", "خالی است"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused_at_once(chief1_client, name, data, message):
    response = _upload(chief1_client, data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Job.objects.exists() and not Task.objects.exists()


def test_a_file_too_large_is_refused_at_once(chief1_client, monkeypatch):
    monkeypatch.setattr(jobs, "IMPORT_MAX_BYTES", 1024 * 1024)
    response = _upload(chief1_client, HEADER + "x" * (1024 * 1024))
    assert response.status_code == 400
    assert "بیش از ۱ مگابایت" in response.content.decode()
    assert not Job.objects.exists()


def test_rows_of_another_station_are_refused(client, chief2):
    client.force_login(chief2)  # HM01K02: both rows lie in HM01K01
    _upload(client, GOOD)
    run_background_tasks()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "ایستگاهی بیرون از یگان‌های شما" in " ".join(job.errors)
    assert Incident.objects.count() == 0


def test_another_stations_user_does_not_find_the_job(chief1_client, chief2, client):
    _upload(chief1_client, GOOD)
    job = Job.objects.get()
    run_background_tasks()
    client.force_login(chief2)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_the_import_command_still_imports_at_once(org_tree, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_incidents", str(path), "--quiet")
    assert Incident.objects.count() == 2


def test_an_external_id_of_another_stations_incident_is_refused(chief1_client, chief2, client):
    """A row in chief2's own station may not take over chief1's incident by its id."""
    _upload(chief1_client, GOOD)
    run_background_tasks()
    client.force_login(chief2)
    _upload(client, HEADER + "2025-03-03T09:00:00+03:30,fraud,34.85,48.65,,A1\n")
    run_background_tasks()
    job = Job.objects.filter(started_by=chief2).get()
    assert job.status == Job.Status.FAILED
    assert "شناسهٔ بیرونی «A1»" in " ".join(job.errors)
    incident = Incident.objects.get(external_id="A1")
    assert incident.station.code == "HM01K01" and incident.category == "snatching"
