"""The background queue: retries with backoff then a visible failure, a worker killed
mid-task (its task done once by another), and schedulers that run side by side."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from kalantar.core import extensions, tasks
from kalantar.core.models import AuditEntry, Sequence, Task
from kalantar.core.sms import queue_sms
from tests.core import task_handlers

ROOT = Path(__file__).resolve().parents[2]


# -- Arithmetic ------------------------------------------------------------------------


def test_each_retry_waits_twice_as_long_up_to_the_most():
    waits = [tasks.backoff_seconds(n, 10, 60) for n in range(1, 6)]
    assert waits == [10, 20, 40, 60, 60]


def test_every_scheduler_computes_the_same_period():
    at = datetime(2026, 3, 21, 10, 17, 42, tzinfo=UTC)
    assert tasks.period_start(at, 3600) == datetime(2026, 3, 21, 10, 0, tzinfo=UTC)
    assert tasks.period_start(at, 86400) == datetime(2026, 3, 21, tzinfo=UTC)
    assert tasks.period_start(at + timedelta(seconds=5), 60) == tasks.period_start(at, 60)


@pytest.fixture
def tick_job(tmp_path, monkeypatch):
    monkeypatch.setenv("TESTS_TICK_LOG", str(tmp_path / "ticks"))
    job = task_handlers.register_tick()
    yield job
    extensions._JOBS.pop(job.name, None)


# -- A task that raises ----------------------------------------------------------------


@pytest.fixture
def retry_settings(settings):
    settings.TASK_RETRY_BASE_SECONDS = 30
    settings.TASK_RETRY_MAX_SECONDS = 3600


def _attempt(at: datetime) -> Task | None:
    claimed = tasks.claim("w1", now=at)
    if claimed is not None:
        tasks.execute(claimed)
    return claimed


def test_a_failing_task_is_retried_with_backoff_then_failed_and_shown(
    db, retry_settings, make_user, client
):
    queued = task_handlers.always_fails.enqueue(what="SMS 1")
    start = timezone.now()
    assert _attempt(start).pk == queued.pk
    row = Task.objects.get(pk=queued.pk)
    assert (row.status, row.attempts) == (Task.Status.QUEUED, 1)
    assert "ValueError: the gateway refused SMS 1" in row.error
    assert timedelta(seconds=29) < row.run_after - row.finished_at <= timedelta(seconds=31)
    # Not again before its wait is over.
    assert _attempt(start + timedelta(seconds=5)) is None
    assert _attempt(row.run_after + timedelta(seconds=1)).pk == queued.pk
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Task.Status.QUEUED, 2)
    assert timedelta(seconds=59) < row.run_after - row.finished_at <= timedelta(seconds=61)
    _attempt(row.run_after + timedelta(seconds=1))
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Task.Status.FAILED, 3)
    assert _attempt(start + timedelta(days=1)) is None  # failed for good: never again

    client.force_login(make_user("admin1", "sysadmin", "HM"))
    page = client.get("/tasks/?status=failed").content.decode()
    assert "tests.always_fails" in page
    assert "the gateway refused SMS 1" in page
    assert "ناموفق" in page  # the status, in Persian
    assert "۳ از ۳" in page  # attempts


def test_only_the_system_administrator_sees_the_tasks(db, make_user, client):
    failed = tasks.enqueue("tests.always_fails", what="x")
    Task.objects.filter(pk=failed.pk).update(status=Task.Status.FAILED)
    client.force_login(make_user("chief9", "station_chief", "HM01K01"))
    assert client.get("/tasks/").status_code == 403
    assert client.post(f"/tasks/{failed.pk}/retry/").status_code == 403
    assert Task.objects.get(pk=failed.pk).status == Task.Status.FAILED


def test_the_administrator_queues_a_failed_task_again_once_its_cause_is_fixed(
    db, make_user, client
):
    failed = task_handlers.always_fails.enqueue(what="SMS 1")
    Task.objects.filter(pk=failed.pk).update(
        status=Task.Status.FAILED, attempts=3, error="ValueError: the gateway refused SMS 1"
    )
    done = tasks.enqueue("tests.always_fails", what="y")
    Task.objects.filter(pk=done.pk).update(status=Task.Status.SUCCEEDED)
    admin = make_user("admin1", "sysadmin", "HM")
    client.force_login(admin)
    assert "دوباره در صف بگذار" in client.get("/tasks/?status=failed").content.decode()
    page = client.post(f"/tasks/{failed.pk}/retry/", follow=True).content.decode()
    assert "کار دوباره در صف قرار گرفت." in page
    row = Task.objects.get(pk=failed.pk)
    assert (row.status, row.attempts) == (Task.Status.QUEUED, 0)
    entry = AuditEntry.objects.get(action="core.task.retried")
    assert entry.actor_id == admin.pk and entry.object_id == str(failed.pk)
    # A task that did not fail is left as it was, and the page says why.
    page = client.post(f"/tasks/{done.pk}/retry/", follow=True).content.decode()
    assert "تنها کار ناموفق را می‌توان دوباره در صف گذاشت." in page
    assert Task.objects.get(pk=done.pk).status == Task.Status.SUCCEEDED
    assert AuditEntry.objects.filter(action="core.task.retried").count() == 1


def test_the_tasks_page_is_paginated(db, make_user, client):
    for n in range(tasks.PAGE_SIZE + 5):
        tasks.enqueue("tests.always_fails", what=f"SMS {n}")
    client.force_login(make_user("admin1", "sysadmin", "HM"))
    first = client.get("/tasks/").content.decode()
    assert "SMS" not in first  # arguments (numbers, names) are not shown
    assert first.count(">tests.always_fails</td>") == tasks.PAGE_SIZE
    second = client.get("/tasks/?page=2").content.decode()
    assert second.count(">tests.always_fails</td>") == 5


def test_the_tasks_page_names_tasks_in_the_page_language(db, make_user, client):
    queue_sms("09120000000", "x")
    tasks.enqueue(tasks.PERIODIC_PREFIX + "escalate_overdue")
    client.force_login(make_user("admin1", "sysadmin", "HM"))
    persian = client.get("/tasks/").content.decode()
    assert ">ارسال پیامک</td>" in persian
    assert ">ارجاع شکایات معوق به رده بالاتر</td>" in persian
    client.cookies["kalantar_language"] = "en"
    english = client.get("/tasks/").content.decode()
    assert ">Send a text message</td>" in english
    assert ">Escalate overdue complaints</td>" in english


def test_a_task_nobody_declared_fails_at_once(db):
    tasks.enqueue("nobody.declared_this")
    _attempt(timezone.now())
    row = Task.objects.get()
    assert (row.status, row.attempts) == (Task.Status.FAILED, 1)
    assert "no task named" in row.error


def test_a_key_queues_a_task_once(db):
    assert tasks.enqueue("tests.always_fails", key="export-7", what="x") is not None
    assert tasks.enqueue("tests.always_fails", key="export-7", what="x") is None
    assert Task.objects.count() == 1


def test_runs_of_one_periodic_job_never_overlap(db, tick_job):
    first, second = (tasks.enqueue(f"periodic.{tick_job.name}", key=f"tick@{n}") for n in range(2))
    other = tasks.enqueue("tests.always_fails", what="x")
    now = timezone.now()
    assert tasks.claim("w1", now=now).pk == first.pk
    # The next period's run waits while the first holds its lease; other work goes on.
    assert tasks.claim("w2", now=now).pk == other.pk
    assert tasks.claim("w2", now=now) is None
    tasks.execute(Task.objects.get(pk=first.pk))
    assert tasks.claim("w2", now=now).pk == second.pk


# -- Real worker and scheduler processes -----------------------------------------------


def _database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return (
        f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


def _start(command: str, tmp_path: Path, **env: str) -> subprocess.Popen:
    """`kalantar <command>` on the test database, with the tests' tasks declared."""
    environment = {**os.environ, **env}
    environment.update(
        DATABASE_URL=_database_url(),
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        TASK_LEASE_SECONDS="2",
        TESTS_TICK_LOG=str(tmp_path / "ticks"),
    )
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    script = (
        "import django, os, sys;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'kalantar.settings');"
        "django.setup();"
        "from tests.core import task_handlers; task_handlers.register_tick();"
        "from django.core.management import call_command;"
        "call_command(*sys.argv[1:])"
    )
    return subprocess.Popen(
        [sys.executable, "-c", script, *command.split()],
        env=environment,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(condition, processes=(), timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            _stop(*processes)
            said = "".join(p.stderr.read() for p in processes)
            raise AssertionError(f"timed out; the processes said: {said[-3000:]}")
        time.sleep(0.1)


def _stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_a_worker_killed_mid_task_leaves_it_to_another_which_applies_it_once(
    transactional_db, tmp_path
):
    log = tmp_path / "attempts"
    queued = task_handlers.slow_effect.enqueue(effect="effect-1", seconds=3, log=str(log))
    workers = [_start("run_worker --poll 0.1", tmp_path) for _ in range(2)]
    try:
        _wait_for(lambda: log.exists() and "started" in log.read_text(), workers)
        # Past the lease's length, the runner still holds it (it renews it): nobody else
        # has started the task.
        time.sleep(2.5)
        lines = log.read_text().split()
        assert lines.count("started") == 1 and "finished" not in lines
        running = int(lines[1])
        os.kill(running, signal.SIGKILL)
        _wait_for(lambda: Task.objects.get(pk=queued.pk).status == Task.Status.SUCCEEDED, workers)
    finally:
        _stop(*workers)
    row = Task.objects.get(pk=queued.pk)
    started = [line for line in log.read_text().splitlines() if line.startswith("started")]
    finished = [line for line in log.read_text().splitlines() if line.startswith("finished")]
    assert len(started) == 2 and len(finished) == 1  # run again, completed once
    assert finished[0] != f"finished {running}"
    assert row.attempts == 2 and row.outcome == "applied" and row.error == ""
    assert Sequence.objects.filter(name="effect-1").count() == 1


def test_two_schedulers_queue_each_periodic_job_once_per_period(
    transactional_db, tmp_path, tick_job
):
    began = timezone.now()
    schedulers = [_start("run_scheduler", tmp_path) for _ in range(2)]
    ticks = Task.objects.filter(name=f"periodic.{tick_job.name}")
    try:
        _wait_for(lambda: ticks.count() >= 4, schedulers, timeout=30)
    finally:
        _stop(*schedulers)
    ended = timezone.now()
    said = "".join(s.stdout.read() for s in schedulers).split()
    rows = Task.objects.all()
    # Each job: one row per period the schedulers lived through, queued by one of them.
    for job in extensions.periodic_jobs():
        mine = rows.filter(name=f"periodic.{job.name}")
        periods = {r.key for r in mine}
        assert len(periods) == mine.count() >= 1
        assert said.count(job.name) == mine.count(), job.name
        assert mine.count() <= (ended - began).total_seconds() // job.every_seconds + 2
    ticks = ticks.count()
    # The worker runs each queued period once.
    rows.exclude(name=f"periodic.{tick_job.name}").delete()
    assert tasks.Worker("w1").run(burst=True) == ticks
    assert (tmp_path / "ticks").read_text().count("tick") == ticks
    assert set(rows.values_list("status", flat=True)) == {Task.Status.SUCCEEDED}
