"""Work a person starts from a page (an import, an export, a redacted copy), run in the
background: the page answers at once with the job's "being prepared" state, the person
reloads it (or it reloads itself) until the result or the errors are there.

An app registers a `JobKind` with two steps. `prepare` runs outside any transaction and
writes nothing but files whose names are their content (reading and checking an upload,
rendering media); it may report progress. `commit` makes the job's writes, in the same
transaction that marks the job done and keeps its output file. The job runs as the
background task `core.job`, delivered at least once: a run that finds its job done does
nothing, and a run that died before its commit left nothing behind, so a retry neither
imports twice nor makes two exports. On PostgreSQL a second run of the same job waits for
the first's commit on the job's row lock.

Refusals (`JobRefused`, Django's `ValidationError`) are the person's to fix: the job fails
with their messages, in the language of the page it was started from, and is not retried.
Anything else is the queue's: retried with backoff, each attempt's error shown on the page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalantar.core import audit, files, filetypes
from kalantar.core.models import Job, JobFile, Task
from kalantar.core.persian import digits
from kalantar.core.tasks import task
from kalantar.core.uploads import UploadedFile

TASK_NAME = "core.job"
MAX_ATTEMPTS = 3
MAX_SHOWN_ERRORS = 200
# The largest file an import page takes (a year of a province's incidents is far less);
# under the proxy's body limit (deploy/nginx: 64 MB), so the person reads why in words.
IMPORT_MAX_BYTES = 60 * 1024 * 1024
# What a text file's first bytes may be taken for; any other signature (a picture, a PDF,
# a spreadsheet, a program) is a file that is not text.
TEXT_TYPES = frozenset({"application/json", "text/plain", "text/csv"})

Report = Callable[[str], None]


class JobRefused(Exception):
    """The input cannot be used; `errors` are lines for the person (the first
    MAX_SHOWN_ERRORS of `total`). Nothing was written."""

    def __init__(self, errors: list[str], total: int | None = None) -> None:
        super().__init__(f"{total or len(errors)} errors")
        self.errors = list(errors)
        self.total = total if total is not None else len(errors)


@dataclass
class JobResult:
    summary: list[str] = field(default_factory=list)  # lines for the person
    output: Path | None = None  # a file to keep and offer for download
    output_name: str = ""
    output_temporary: bool = False  # removed once kept in the store
    link: str = ""  # a record the job made


@dataclass(frozen=True)
class JobKind:
    name: str
    title: Any  # a lazy translation: what the page calls the job
    permission: str  # besides its starter, who may see a job of this kind (in its units)
    prepare: Callable[[Job, Report], Any]
    commit: Callable[[Job, Any], JobResult]


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    _KINDS[kind.name] = kind


def kind_of(job: Job) -> JobKind | None:
    return _KINDS.get(job.kind)


# -- The page's side -------------------------------------------------------------------


def start(
    *,
    by,
    kind: str,
    unit_path: str,
    arguments: dict | None = None,
    upload: UploadedFile | None = None,
) -> Job:
    """Queue a job in the caller's transaction (queued if and only if it commits), its
    upload kept in the attachment store for the worker to read, and audit its start.
    `unit_path` is the path of the unit whose records the job reads or writes: its users
    with the kind's permission may see it."""
    if kind not in _KINDS:
        raise LookupError(kind)
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            started_by=by,
            unit_path=unit_path,
            arguments={**(arguments or {}), "language": translation.get_language() or ""},
        )
        if upload is not None:
            job.upload = files.store(JobFile(), upload)
        job.task = run_job.enqueue(key=f"job:{job.pk}", job=job.pk)
        job.save(update_fields=["upload", "task"])
        detail = {"kind": kind, "unit": unit_path}
        if job.upload is not None:
            detail |= {"file": job.upload.original_name, "sha256": job.upload.sha256}
        audit.record("core.job.started", actor=by, obj=job, detail=detail)
    return job


def text_upload_error(upload: UploadedFile | None, *, extensions: tuple[str, ...]) -> str | None:
    """Why an import page refuses the file at once (before anything is queued), in the
    person's words; None when it may be queued. Its rows are checked by the job."""
    if upload is None or not upload.name:
        return _("Choose a file to import.")
    name = upload.name
    if not name.lower().endswith(extensions):
        return _(
            "“%(name)s” is not a file of the expected kind: only %(kinds)s files are accepted."
        ) % {"name": name, "kinds": "، ".join(extensions)}
    if not upload.data:
        return _("“%(name)s” is empty.") % {"name": name}
    if len(upload.data) > IMPORT_MAX_BYTES:
        return _("“%(name)s” is larger than %(mb)s MB.") % {
            "name": name,
            "mb": digits(IMPORT_MAX_BYTES // (1024 * 1024)),
        }
    head = upload.data[:8192]
    if b"\x00" in head or filetypes.sniff(head) - TEXT_TYPES:
        # A picture, a PDF or a program renamed: not text at all.
        return _("“%(name)s” is not a text file; save it as UTF-8 text and try again.") % {
            "name": name
        }
    return None


def import_limit_text() -> str:
    """The import pages' size limit, for their help text."""
    return _("At most %(mb)s MB.") % {"mb": digits(IMPORT_MAX_BYTES // (1024 * 1024))}


def job_for(user, pk: int) -> Job | None:
    """The job, when `user` may see it: its starter, or a user of its units holding its
    kind's permission. A job of another station is simply not found."""
    job = (
        Job.objects.visible_to(user)
        .select_related("task", "output", "upload", "started_by")
        .filter(pk=pk)
        .first()
    )
    if job is None:
        return None
    kind = kind_of(job)
    if job.started_by_id == user.pk or (kind is not None and user.has_perm(kind.permission)):
        return job
    return None


@dataclass(frozen=True)
class JobState:
    job: Job
    title: Any
    finished: bool
    failed: bool
    attempt: int
    most_attempts: int
    problem: str  # the last attempt's error while the job is retried, or why it failed


def state_of(job: Job) -> JobState:
    """What the page shows: a job whose task failed for good (its worker killed on the
    last attempt) is shown failed even though no run could mark it."""
    kind = kind_of(job)
    task_row: Task | None = job.task
    lost = not job.finished and task_row is not None and task_row.status == Task.Status.FAILED
    problem = job.errors[0] if (job.errors and not job.finished) else ""
    if lost:
        problem = problem or _("The work stopped unexpectedly; the administrator can see why.")
    return JobState(
        job=job,
        title=kind.title if kind else job.kind,
        finished=job.finished or lost,
        failed=job.status == Job.Status.FAILED or lost,
        attempt=task_row.attempts if task_row else 0,
        most_attempts=task_row.max_attempts if task_row else MAX_ATTEMPTS,
        problem=problem,
    )


def started_by(
    user, *, kind: str | None = None, arguments: dict | None = None, limit: int = 30
) -> list[JobState]:
    """The person's own jobs, newest first (of one kind, and started with these arguments,
    if given): how they find a job again after leaving its page."""
    rows = Job.objects.filter(started_by=user).select_related("task", "output", "upload")
    if kind is not None:
        rows = rows.filter(kind=kind)
    for name, value in (arguments or {}).items():
        rows = rows.filter(**{f"arguments__{name}": value})
    return [state_of(job) for job in rows[:limit]]


def open_output(*, by, job: Job):
    """The job's file as a download, its reading audited (`core.files`)."""
    return files.open_stored_file(by=by, record=job.output)


# -- The worker's side -----------------------------------------------------------------


@task(TASK_NAME, max_attempts=MAX_ATTEMPTS, label=gettext_lazy("Prepare work started from a page"))
def run_job(*, job: int) -> str:
    found = Job.objects.select_related("upload", "started_by").filter(pk=job).first()
    if found is None:
        return "no such job"
    if found.finished:
        return f"already {found.status}"
    language = found.arguments.get("language") or settings.LANGUAGE_CODE
    with translation.override(language):
        return _run(found)


def _run(job: Job) -> str:
    kind = kind_of(job)
    if kind is None:
        _refuse(job, JobRefused([_("This kind of work is no longer offered.")]))
        return "refused"
    Job.objects.filter(pk=job.pk, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).update(
        status=Job.Status.RUNNING, progress=_("Started")
    )

    def report(text: str) -> None:
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(progress=text[:200])

    try:
        prepared = kind.prepare(job, report)
        with transaction.atomic():
            # The row lock: a second run of this job waits here for the first's commit.
            locked = Job.objects.select_for_update().filter(pk=job.pk).first()
            if locked is None or locked.finished:
                return "already finished"
            result = kind.commit(locked, prepared)
            _finish(locked, result)
    except JobRefused as refused:
        _refuse(job, refused)
        return "refused"
    except ValidationError as invalid:
        _refuse(job, JobRefused(invalid.messages))
        return "refused"
    except Exception as exc:
        _attempt_failed(job, exc)
        raise
    return "done"


def _finish(job: Job, result: JobResult) -> None:
    output = None
    if result.output is not None:
        try:
            output = store_path(result.output, result.output_name or result.output.name)
        finally:
            if result.output_temporary:
                result.output.unlink(missing_ok=True)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE,
        summary=[str(line) for line in result.summary],
        output=output,
        link=result.link,
        progress="",
        errors=[],
        error_total=0,
        finished_at=timezone.now(),
    )


def store_path(path: Path, name: str) -> JobFile:
    """Keep a file the job made (read a block at a time: exports may be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
        record = JobFile(
            original_name=name[:200],
            content_type=filetypes.DOWNLOAD_TYPE,  # served by its bytes' type (core.files)
            size=path.stat().st_size,
            sha256=digest.hexdigest(),
        )
        handle.seek(0)
        record.file.save(name, File(handle), save=False)
    record.save()
    return record


def _refuse(job: Job, refused: JobRefused) -> None:
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).exclude(status=Job.Status.DONE).update(
            status=Job.Status.FAILED,
            errors=[str(line) for line in refused.errors[:MAX_SHOWN_ERRORS]],
            error_total=refused.total,
            progress="",
            finished_at=timezone.now(),
        )


def _attempt_failed(job: Job, exc: Exception) -> None:
    """Show the attempt's error; after the last attempt the job has failed for good."""
    message = _("The attempt failed: %(error)s") % {"error": str(exc) or type(exc).__name__}
    task_row = Task.objects.filter(key=f"job:{job.pk}").first()
    last = task_row is None or task_row.attempts >= task_row.max_attempts
    Job.objects.filter(pk=job.pk).exclude(status=Job.Status.DONE).update(
        status=Job.Status.FAILED if last else Job.Status.RUNNING,
        errors=[message[:1000]],
        error_total=1,
        progress="",
        finished_at=timezone.now() if last else None,
    )


def purge_finished() -> str | None:
    """Forget jobs finished more than TASK_KEEP_DAYS ago, with their uploads and outputs (a
    periodic job): what they imported or made stays, and an export can be made again."""
    before = timezone.now() - timedelta(days=settings.TASK_KEEP_DAYS)
    with transaction.atomic():
        old = Job.objects.filter(
            status__in=[Job.Status.DONE, Job.Status.FAILED], finished_at__lt=before
        )
        ids = {pk for pair in old.values_list("upload_id", "output_id") for pk in pair if pk}
        kept = list(JobFile.objects.filter(pk__in=ids))
        removed, _by_model = old.delete()
        JobFile.objects.filter(pk__in=ids).delete()
        # The stored bytes go once the rows are gone for certain.
        transaction.on_commit(lambda: [record.file.delete(save=False) for record in kept])
    return f"{removed} finished jobs removed" if removed else None
