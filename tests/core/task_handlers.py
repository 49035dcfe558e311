"""Tasks the queue's tests run, in the test process and in worker subprocesses (which
import this module before starting `run_worker` or `run_scheduler`)."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from kalantar.core import extensions, jobs
from kalantar.core.models import Sequence
from kalantar.core.tasks import enqueue, task

TICK_JOB = "tests_tick"


@task("tests.always_fails", max_attempts=3)
def always_fails(*, what: str) -> None:
    raise ValueError(f"the gateway refused {what}")


@task("tests.slow_effect", max_attempts=5)
def slow_effect(*, effect: str, seconds: float, log: str) -> str:
    """Notes each start (with the process id), works a while, then applies its effect once:
    a numbering `effect` moved to 1 only if it is not there yet, as an idempotent handler does."""
    with open(log, "a") as out:
        out.write(f"started {os.getpid()}\n")
    time.sleep(seconds)
    with transaction.atomic():
        _row, created = Sequence.objects.get_or_create(name=effect, defaults={"last": 1})
    with open(log, "a") as out:
        out.write(f"finished {os.getpid()}\n")
    return "applied" if created else "already applied"


def tick_log() -> Path:
    return Path(os.environ["TESTS_TICK_LOG"])


def _tick() -> str:
    with tick_log().open("a") as out:
        out.write("tick\n")
    return "tick"


def register_tick() -> extensions.PeriodicJob:
    job = extensions.PeriodicJob(TICK_JOB, _tick, every_seconds=1)
    extensions.add_periodic_job(job)
    return job


# -- A page-started job, for the worker-kill test of `core.jobs` ------------------------

JOB_EFFECT = "tests.job_effect"  # a queued row the job's commit adds (never run: far future)


def _slow_prepare(job, report) -> str:
    return job.arguments["log"]


def _slow_commit(job, log: str) -> jobs.JobResult:
    """Writes its effect, notes that it did (with the process id), then works a while
    before its transaction commits: a kill then leaves the effect uncommitted."""
    far = timezone.now() + timedelta(days=3650)
    enqueue(JOB_EFFECT, run_after=far, job=job.pk)
    with open(log, "a") as out:
        out.write(f"committing {os.getpid()}\n")
    time.sleep(job.arguments["seconds"])
    return jobs.JobResult(summary=["applied"])


SLOW_JOB = jobs.JobKind("tests.slow_job", "Slow job", "core.view_task", _slow_prepare, _slow_commit)
jobs.register(SLOW_JOB)
