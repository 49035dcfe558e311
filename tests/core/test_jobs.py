"""Page-started jobs (`core.jobs`), with a job kind of the test's own: what the person sees
while the work is retried, after it failed for good, and when its worker was lost."""

from __future__ import annotations

import os
import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.core import jobs, tasks
from kalantar.core.models import Job, JobFile, Task
from kalantar.core.uploads import UploadedFile
from kalantar.evidence.background import common_unit_path
from tests.background import run_background_tasks
from tests.core import task_handlers
from tests.core.test_tasks import _start as _start_process
from tests.core.test_tasks import _stop, _wait_for

KIND = "tests.flaky"


@pytest.fixture
def flaky(settings):
    """A job whose prepare step raises what `failures` holds, one per attempt."""
    settings.TASK_RETRY_BASE_SECONDS = 0
    failures: list[Exception] = []

    def prepare(job, report):
        report("reading")
        if failures:
            raise failures.pop(0)
        return "prepared"

    def commit(job, prepared):
        return jobs.JobResult(summary=[f"made from {prepared}"])

    jobs.register(jobs.JobKind(KIND, "Flaky work", "core.view_task", prepare, commit))
    yield failures
    jobs._KINDS.pop(KIND, None)


def _start(user) -> Job:
    return jobs.start(by=user, kind=KIND, unit_path=user.unit.path)


def test_a_failed_attempt_is_shown_then_the_retry_succeeds(flaky, chief1, client):
    flaky.append(TimeoutError("the store did not answer"))
    job = _start(chief1)
    client.force_login(chief1)
    claimed = tasks.claim("w1")
    tasks.execute(claimed)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "در حال آماده‌سازی" in page
    assert "این تلاش ناموفق بود: the store did not answer" in page
    assert "به‌زودی دوباره تلاش می‌شود" in page
    run_background_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.summary == ["made from prepared"]
    assert job.errors == []


def test_after_the_last_attempt_the_person_sees_the_failure(flaky, chief1, client):
    flaky.extend(OSError(f"disk {n}") for n in range(jobs.MAX_ATTEMPTS))
    job = _start(chief1)
    run_background_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.task.status == Task.Status.FAILED
    client.force_login(chief1)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "ناموفق" in page and "disk 2" in page and "hx-trigger" not in page


def test_a_job_whose_worker_was_lost_on_its_last_attempt_is_shown_failed(flaky, chief1, client):
    job = _start(chief1)
    Task.objects.filter(pk=job.task_id).update(
        status=Task.Status.RUNNING, attempts=jobs.MAX_ATTEMPTS, lease_until=timezone.now()
    )
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    assert tasks.claim("w2", now=timezone.now() + timedelta(seconds=1)) is None
    client.force_login(chief1)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "کار به‌طور ناگهانی متوقف شد" in page and "hx-trigger" not in page


def test_a_job_is_its_starters_and_its_units_permitted_users(flaky, chief1, make_user, client):
    job = _start(chief1)
    client.force_login(make_user("desk9", "desk_officer", "HM01K01"))  # no permission
    assert client.get(job.get_absolute_url()).status_code == 404
    client.force_login(make_user("admin9", "sysadmin", "HM"))  # above it, permitted
    assert client.get(job.get_absolute_url()).status_code == 200
    client.force_login(make_user("admin8", "sysadmin", "HM01K02"))  # beside it
    assert client.get(job.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "refused"),
    [
        ("a.csv", b"x,y\n1,2\n", False),
        ("a.CSV", "\ufeffستون\n".encode(), False),
        ("a.txt", b"x", True),
        ("a.csv", b"PK\x03\x04" + b"\x00" * 40, True),
        ("", b"x", True),
    ],
)
def test_import_pages_refuse_what_is_not_a_text_file(name, data, refused):
    error = jobs.text_upload_error(UploadedFile(name, "", data), extensions=(".csv",))
    assert bool(error) is refused


def test_a_job_over_several_stations_belongs_to_the_unit_above_them():
    assert common_unit_path(["/IR/HM/HM01/HM01K01/"]) == "/IR/HM/HM01/HM01K01/"
    assert common_unit_path(["/IR/HM/HM01/HM01K01/", "/IR/HM/HM01/HM01K02/"]) == "/IR/HM/HM01/"
    assert common_unit_path(["/IR/HM/HM01K1/", "/IR/HM/HM01K12/"]) == "/IR/HM/"


def test_a_worker_killed_inside_a_jobs_commit_leaves_it_to_another_which_commits_once(
    transactional_db, tmp_path
):
    log = tmp_path / "job"
    job = jobs.start(
        by=None,
        kind=task_handlers.SLOW_JOB.name,
        unit_path="",
        arguments={"log": str(log), "seconds": 3},
    )
    workers = [_start_process("run_worker --poll 0.1", tmp_path) for _ in range(2)]
    try:
        _wait_for(lambda: log.exists() and "committing" in log.read_text(), workers)
        killed = int(log.read_text().split()[1])
        os.kill(killed, signal.SIGKILL)  # its effect written, its transaction not committed
        done = lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE  # noqa: E731
        _wait_for(done, workers, timeout=60)
    finally:
        _stop(*workers)
    runs = log.read_text().splitlines()
    assert len(runs) == 2 and runs[1] != f"committing {killed}"
    assert Task.objects.filter(name=task_handlers.JOB_EFFECT).count() == 1
    job.refresh_from_db()
    assert job.summary == ["applied"] and job.task.attempts == 2


def test_finished_jobs_are_forgotten_with_their_files_after_the_keeping_days(
    flaky, chief1, settings, django_capture_on_commit_callbacks
):
    settings.TASK_KEEP_DAYS = 14
    upload = UploadedFile("rows.csv", "text/csv", b"a,b\n")
    old = jobs.start(by=chief1, kind=KIND, unit_path=chief1.unit.path, upload=upload)
    recent = _start(chief1)
    run_background_tasks()
    stored = Job.objects.get(pk=old.pk).upload.file
    assert stored.storage.exists(stored.name)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=15))
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.purge_finished() == "1 finished jobs removed"
    assert list(Job.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not JobFile.objects.exists() and not stored.storage.exists(stored.name)


def test_a_person_finds_their_own_work_again_and_nobody_elses(flaky, chief1, chief2, client):
    mine, theirs = _start(chief1), _start(chief2)
    run_background_tasks()
    client.force_login(chief1)
    page = client.get("/jobs/").content.decode()
    assert f'href="/jobs/{mine.pk}/"' in page and f'href="/jobs/{theirs.pk}/"' not in page
    assert "آماده" in page
    assert 'id="job-list-link"' in client.get(mine.get_absolute_url()).content.decode()
