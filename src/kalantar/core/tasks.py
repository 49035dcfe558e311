"""Background work on a queue kept in the project's own database.

An app declares a task with `@task("app.name")` and queues it with `.enqueue(...)`, as in
Django's Tasks interface; `kalantar run_worker` runs what is due, and `kalantar
run_scheduler` queues every periodic job (`core.extensions`) once per period.

We keep our own small queue because no packaged one gives all of: no extra server for
the embedded SQLite default, retries with backoff, and a task whose worker died picked up
again (django-tasks' database backend neither retries nor recovers a killed worker's
task; Procrastinate needs PostgreSQL; Celery and Dramatiq need a broker).

Delivery is at least once: a worker holds a lease on its task and renews it while the
task runs; when the lease runs out (the worker was killed, its machine lost) another
worker runs the task again. Handlers are therefore idempotent. Each claim draws a new
lease token and every write of the outcome names it, so a worker that lost its lease
cannot overwrite what the next one did.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import (
    DatabaseError,
    IntegrityError,
    close_old_connections,
    connection,
    transaction,
)
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from kalantar.core import audit
from kalantar.core.extensions import PeriodicJob, periodic_jobs
from kalantar.core.models import Task

logger = logging.getLogger("kalantar.tasks")

# The error recorded when a task's worker stopped during its last attempt.
WORKER_LOST = "worker-lost"
PERIODIC_PREFIX = "periodic."
PAGE_SIZE = 50


@dataclass(frozen=True)
class TaskDefinition:
    name: str
    run: Callable[..., str | None]  # keyword arguments as enqueued; returns a line or None
    max_attempts: int = 5
    label: Any = ""  # what the administrator reads (a lazy translation); the name otherwise

    def enqueue(
        self, *, key: str | None = None, run_after: datetime | None = None, **arguments: Any
    ) -> Task | None:
        """Queue a run with JSON-serialisable `arguments`, in the caller's transaction (the
        work is queued if and only if the caller's writes commit). With `key`, at most one
        task ever has it: None when it already exists."""
        return enqueue(
            self.name, key=key, run_after=run_after, max_attempts=self.max_attempts, **arguments
        )


_TASKS: dict[str, TaskDefinition] = {}


def task(
    name: str, *, max_attempts: int = 5, label: Any = ""
) -> Callable[[Callable], TaskDefinition]:
    """Declare a background task; the decorated function must be safe to run twice."""

    def register(function: Callable[..., str | None]) -> TaskDefinition:
        definition = TaskDefinition(name, function, max_attempts, label)
        _TASKS[name] = definition
        return definition

    return register


def definition(name: str) -> TaskDefinition | None:
    if name.startswith(PERIODIC_PREFIX):
        job = _periodic_job(name.removeprefix(PERIODIC_PREFIX))
        return TaskDefinition(name, job.run, max_attempts=3, label=job.label) if job else None
    return _TASKS.get(name)


def task_label(name: str) -> str:
    """A task's name as people read it: its declared label, else the code it was queued as
    (a task of an app no longer installed)."""
    found = definition(name)
    return str(found.label) if found is not None and found.label else name


def _periodic_job(name: str) -> PeriodicJob | None:
    return next((job for job in periodic_jobs() if job.name == name), None)


def enqueue(
    name: str,
    *,
    key: str | None = None,
    run_after: datetime | None = None,
    max_attempts: int = 5,
    **arguments: Any,
) -> Task | None:
    row = Task(
        name=name,
        arguments=arguments,
        key=key,
        max_attempts=max_attempts,
        run_after=run_after or timezone.now(),
    )
    if key is None:
        row.save()
        return row
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives a clash
            row.save()
    except IntegrityError:
        if Task.objects.filter(key=key).exists():
            return None
        raise
    return row


# -- Backoff and periods: plain arithmetic, tested without a database ------------------


def backoff_seconds(attempt: int, base: float, most: float) -> float:
    """How long to wait after failed attempt number `attempt` (1, 2, …): doubling."""
    return min(base * 2 ** (attempt - 1), most)


def period_start(now: datetime, every_seconds: int) -> datetime:
    """The start of the period of `every_seconds` that holds `now`, periods counted from
    the Unix epoch: every scheduler process computes the same start for the same moment."""
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % every_seconds, tz=UTC)


# -- The worker's side -----------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(seconds=settings.TASK_LEASE_SECONDS)


def claim(worker: str, *, now: datetime | None = None) -> Task | None:
    """Take the next due task (queued and due, or running under a lease that ran out), or
    None. On PostgreSQL, rows other workers are taking are skipped (SKIP LOCKED); on SQLite
    the transaction holds the write lock. The conditional update is the claim either way."""
    now = now or timezone.now()
    due = Q(status=Task.Status.QUEUED, run_after__lte=now) | Q(
        status=Task.Status.RUNNING, lease_until__lt=now
    )
    passed_over: set[int] = set()
    while True:
        with transaction.atomic():
            candidates = Task.objects.filter(due).exclude(pk__in=passed_over)
            candidates = candidates.order_by("run_after", "pk")
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            found = candidates.first()
            if found is None:
                return None
            if found.status == Task.Status.RUNNING and found.attempts >= found.max_attempts:
                _finish(found, Task.Status.FAILED, now=now, error=WORKER_LOST)
                continue
            if found.name.startswith(PERIODIC_PREFIX) and _job_running(found, now):
                passed_over.add(found.pk)  # a later period waits for the earlier one
                continue
            token = uuid.uuid4().hex
            taken = Task.objects.filter(
                pk=found.pk, status=found.status, lease_token=found.lease_token
            ).update(
                status=Task.Status.RUNNING,
                attempts=F("attempts") + 1,
                lease_token=token,
                lease_until=now + _lease(),
                worker=worker[:100],
                started_at=now,
            )
            if taken:
                found.refresh_from_db()
                return found


def _job_running(task: Task, now: datetime) -> bool:
    """Whether another run of `task`'s periodic job holds a live lease: runs of one job
    never overlap (a drain still sending when its next period starts must not be doubled).
    On PostgreSQL, claims of one job take turns on an advisory lock, so two workers cannot
    both see the other's run as not started yet."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(task.name.encode())])
    return (
        Task.objects.filter(name=task.name, status=Task.Status.RUNNING, lease_until__gte=now)
        .exclude(pk=task.pk)
        .exists()
    )


def _finish(task: Task, status: str, *, now: datetime | None = None, **fields: Any) -> bool:
    """Write the outcome, only if `task`'s lease is still this worker's."""
    written = Task.objects.filter(pk=task.pk, lease_token=task.lease_token).update(
        status=status, finished_at=now or timezone.now(), lease_until=None, **fields
    )
    if not written:
        logger.warning("task %s: lease lost before its outcome was written", task.pk)
    return bool(written)


def execute(task: Task) -> str:
    """Run a claimed task and record its outcome; returns its new status."""
    found = definition(task.name)
    if found is None:  # not retried: no later attempt would find it either
        _finish(task, Task.Status.FAILED, error=f"LookupError: no task named {task.name!r}")
        return Task.Status.FAILED
    stop = threading.Event()
    beat = threading.Thread(
        target=_renew_lease, args=(task, stop), name=f"lease-{task.pk}", daemon=True
    )
    beat.start()
    try:
        outcome = found.run(**task.arguments)
    except Exception as exc:  # recorded on the task, for the administrator to see
        stop.set()
        beat.join()
        return _failed(task, exc)
    stop.set()
    beat.join()
    _finish(task, Task.Status.SUCCEEDED, outcome=str(outcome or "")[:500], error="")
    return Task.Status.SUCCEEDED


def _failed(task: Task, exc: Exception) -> str:
    error = "".join(traceback.format_exception(exc, limit=-5))[-4000:]
    logger.warning("task %s (%s) attempt %s failed: %r", task.pk, task.name, task.attempts, exc)
    if task.attempts >= task.max_attempts:
        _finish(task, Task.Status.FAILED, error=error)
        return Task.Status.FAILED
    wait = backoff_seconds(
        task.attempts, settings.TASK_RETRY_BASE_SECONDS, settings.TASK_RETRY_MAX_SECONDS
    )
    now = timezone.now()
    _finish(
        task,
        Task.Status.QUEUED,
        now=now,
        error=error,
        run_after=now + timedelta(seconds=wait),
        lease_token="",
    )
    return Task.Status.QUEUED


def _renew_lease(task: Task, stop: threading.Event) -> None:
    """Keep the lease while the task runs, from a thread with its own connection."""
    every = settings.TASK_LEASE_SECONDS / 3
    try:
        while not stop.wait(every):
            try:
                Task.objects.filter(
                    pk=task.pk, lease_token=task.lease_token, status=Task.Status.RUNNING
                ).update(lease_until=timezone.now() + _lease())
            except Exception:  # the database away for a moment: try again at the next beat
                logger.exception("task %s: lease not renewed", task.pk)
    finally:
        connection.close()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    """Runs due tasks one after another until stopped (or, in a burst, until none is due)."""

    def __init__(self, name: str | None = None, *, poll_seconds: float = 0.5) -> None:
        # Apps may declare tasks in a `tasks` module of their own.
        autodiscover_modules("tasks")
        self.name = name or worker_name()
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()

    def run(self, *, burst: bool = False, report: Callable[[str], None] | None = None) -> int:
        """Returns how many tasks it ran."""
        ran = 0
        while not self.stopping.is_set():
            self._fresh_connection()
            try:
                found = claim(self.name)
                status = execute(found) if found else None
            except DatabaseError:
                # The database away for a moment: the task (if any) keeps its lease until it
                # runs out and is taken up again; this worker waits and looks again.
                logger.exception("worker %s: database error", self.name)
                connection.close()
                self.stopping.wait(self.poll_seconds * 10)
                continue
            if found is None:
                if burst:
                    break
                self.stopping.wait(self.poll_seconds)
                continue
            ran += 1
            if report:
                report(f"{found.name} #{found.pk}: {status}")
        self._fresh_connection()
        return ran

    @staticmethod
    def _fresh_connection() -> None:
        # Drop a connection the database closed (or one past its age) between tasks; never
        # inside a transaction, where a test runs its worker.
        if not connection.in_atomic_block:
            close_old_connections()


# -- The scheduler's side --------------------------------------------------------------


def periodic_key(job: PeriodicJob, start: datetime) -> str:
    return f"{PERIODIC_PREFIX}{job.name}@{int(start.timestamp())}"


class Scheduler:
    """Queues each periodic job once per period. Several schedulers may run: the period's
    row is keyed by (job, period start), so whichever inserts it first queues the run and
    the others find it there."""

    def __init__(self) -> None:
        self._tried: dict[str, datetime] = {}

    def tick(self, now: datetime | None = None) -> list[str]:
        """Queue the jobs whose new period began; returns those this process queued."""
        now = now or timezone.now()
        queued = []
        for job in periodic_jobs():
            start = period_start(now, job.every_seconds)
            if self._tried.get(job.name) == start:
                continue
            self._tried[job.name] = start
            if enqueue(PERIODIC_PREFIX + job.name, key=periodic_key(job, start), max_attempts=3):
                queued.append(job.name)
        return queued


# -- The administrator's page ----------------------------------------------------------


@dataclass(frozen=True)
class TaskPage:
    page: Page
    status: str
    statuses: list[tuple[str, str, int]]  # (status, its label, how many tasks have it)


def task_page(*, status: str = "", page_number: str | int | None = None) -> TaskPage:
    """One page of tasks, newest first, filtered by status, with each status's count."""
    rows = Task.objects.all()
    if status in Task.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    for row in page.object_list:
        row.label = task_label(row.name)
        row.error_shown = error_text(row.error)
        row.error_summary = row.error_shown.strip().splitlines()[-1] if row.error else ""
    by_status = Task.objects.order_by().values("status").annotate(n=Count("pk"))
    counts = {row["status"]: row["n"] for row in by_status}
    statuses = [(value, label, counts.get(value, 0)) for value, label in Task.Status.choices]
    return TaskPage(page=page, status=status, statuses=statuses)


def retry_failed(*, by, pk: int) -> bool:
    """Queue a failed task again with its attempts renewed (once its cause is fixed: the
    gateway back, the data corrected); False when it is not (or no longer) failed. Audited
    in the same transaction."""
    with transaction.atomic():
        found = Task.objects.select_for_update().filter(pk=pk, status=Task.Status.FAILED).first()
        if found is None:
            return False
        Task.objects.filter(pk=pk).update(
            status=Task.Status.QUEUED,
            attempts=0,
            run_after=timezone.now(),
            lease_token="",
            finished_at=None,
        )
        audit.record(
            "core.task.retried",
            actor=by,
            obj=found,
            detail={"task": found.name, "error": error_text(found.error).splitlines()[-1:]},
        )
    return True


def error_text(error: str) -> str:
    if error == WORKER_LOST:
        return _("The worker stopped during the last attempt (killed or its machine lost).")
    return error


def purge_finished() -> str | None:
    """Forget finished tasks older than TASK_KEEP_DAYS (a periodic job)."""
    before = timezone.now() - timedelta(days=settings.TASK_KEEP_DAYS)
    removed, _by_model = Task.objects.filter(
        status__in=[Task.Status.SUCCEEDED, Task.Status.FAILED], finished_at__lt=before
    ).delete()
    return f"{removed} finished tasks removed" if removed else None
