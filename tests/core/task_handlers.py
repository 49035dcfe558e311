"""Tasks the queue's tests run, in the test process and in worker subprocesses (which
import this module before starting `run_worker` or `run_scheduler`)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import transaction

from kalantar.core import extensions
from kalantar.core.models import Sequence
from kalantar.core.tasks import task

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
