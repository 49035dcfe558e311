"""The jurisdiction import started from a page: the GeoJSON file is kept and checked, then
imported by a background job (`core.jobs`); the person follows it on the job's page."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalantar.core import jobs
from kalantar.core.models import Job
from kalantar.core.persian import active_digits, format_number
from kalantar.core.scoping import scope_root
from kalantar.core.uploads import UploadedFile
from kalantar.org import services
from kalantar.org.models import Unit

KIND = "org.jurisdictions.import"
PERMISSION = "org.import_jurisdictions"
EXTENSIONS = (".geojson", ".json")


def start_import(*, by, upload: UploadedFile | None) -> Job:
    """Queue the import of `upload` (a GeoJSON FeatureCollection); ValidationError, with
    nothing queued, for a file that is not one."""
    error = jobs.text_upload_error(upload, extensions=EXTENSIONS)
    if error:
        raise ValidationError(error)
    return jobs.start(by=by, kind=KIND, unit_path=scope_root(by) or "", upload=upload)


def _read(job: Job):
    with job.upload.file.open("rb") as handle:
        raw = handle.read()
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        message = _("The file is not valid JSON: %(error)s") % {"error": exc}
        raise jobs.JobRefused([message]) from None
    except RecursionError:
        raise jobs.JobRefused([_("The file is nested too deeply to be GeoJSON.")]) from None


def _outside(features, within: str) -> list[str]:
    """A station under a county outside the person's units is not theirs to draw."""
    if not within:
        return []
    parents = {feature.parent for feature in features}
    foreign = set(
        Unit.objects.filter(code__in=parents)
        .exclude(path__startswith=within)
        .values_list("code", flat=True)
    )
    return [
        _("Station %(code)s: its county %(parent)s is outside your units.")
        % {"code": feature.code, "parent": feature.parent}
        for feature in features
        if feature.parent in foreign
    ]


def _prepare(job: Job, report: jobs.Report):
    within = scope_root(job.started_by)
    if within is None or not job.started_by.has_perm(PERMISSION):
        raise jobs.JobRefused([_("You may no longer import jurisdictions.")])
    data = _read(job)
    checked = services.validate_jurisdictions(data=data)
    errors = checked.errors or _outside(checked.features, within)
    if errors:
        raise jobs.JobRefused(errors)
    report(_("%(n)s stations checked; writing them") % {"n": _num(len(checked.features))})
    return data


def _commit(job: Job, data) -> jobs.JobResult:
    # Checked again inside the transaction: a unit may have changed since.
    result = services.import_jurisdictions(by=job.started_by, data=data)
    return jobs.JobResult(
        summary=[
            _("Imported: %(created)s new, %(updated)s updated.")
            % {"created": _num(result.created), "updated": _num(result.updated)}
        ]
    )


def _num(n: int) -> str:
    return format_number(n, digits=active_digits())


JOB = jobs.JobKind(KIND, gettext_lazy("Jurisdiction import"), PERMISSION, _prepare, _commit)
