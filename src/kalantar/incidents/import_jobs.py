"""The incident import started from a page: the file is kept and checked, then imported
by a background job (`core.jobs`); the person follows it on the job's page."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalantar.core import jobs
from kalantar.core.models import Job
from kalantar.core.scoping import scope_root
from kalantar.core.uploads import UploadedFile
from kalantar.incidents import importer

KIND = "incidents.import"
PERMISSIONS = ("incidents.add_incident", "incidents.change_incident")


def may_import(user) -> bool:
    return user.has_perms(PERMISSIONS) and scope_root(user) is not None


def start_import(*, by, upload: UploadedFile | None) -> Job:
    """Queue the import of `upload` (a CSV file); ValidationError, with nothing queued,
    for a file that is not one. Its rows are checked by the job, in `by`'s units."""
    error = jobs.text_upload_error(upload, extensions=(".csv",))
    if error:
        raise ValidationError(error)
    return jobs.start(by=by, kind=KIND, unit_path=scope_root(by) or "", upload=upload)


def _prepare(job: Job, report: jobs.Report) -> importer.Rows:
    within = scope_root(job.started_by)
    if within is None or not job.started_by.has_perms(PERMISSIONS):
        raise jobs.JobRefused([_("You may no longer import incidents.")])
    with job.upload.file.open("rb") as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        try:
            rows = importer.parse(text, progress=report, within=within)
        except importer.ImportRefused as refused:
            raise jobs.JobRefused(refused.errors, refused.total) from None
    report(_("%(n)s rows checked; writing them") % {"n": importer.num(len(rows))})
    return rows


def _commit(job: Job, rows: importer.Rows) -> jobs.JobResult:
    result = importer.import_rows(rows, by=job.started_by)
    return jobs.JobResult(
        summary=[
            _("%(created)s incidents created, %(updated)s updated.")
            % {"created": importer.num(result.created), "updated": importer.num(result.updated)}
        ]
    )


JOB = jobs.JobKind(
    KIND,
    gettext_lazy("Incident import"),
    "incidents.change_incident",
    _prepare,
    _commit,
)
