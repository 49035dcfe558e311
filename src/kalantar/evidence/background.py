"""The evidence work a chief starts from a page and the background makes (`core.jobs`): a
redacted copy of a recording, and the signed export of a case's items. The page answers
at once; the job's page shows it being prepared, then the copy or the download."""

from __future__ import annotations

from collections.abc import Iterable
from posixpath import commonpath

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalantar.core import jobs
from kalantar.core.models import Job
from kalantar.core.persian import active_digits, format_number
from kalantar.evidence import redacting, selectors
from kalantar.evidence.models import EvidenceItem
from kalantar.evidence.redaction import Plan

REDACTION = "evidence.redaction"
CASE_EXPORT = "evidence.case_export"
PERMISSION = redacting.REDACT_PERMISSION


def common_unit_path(paths: Iterable[str]) -> str:
    """The path of the lowest unit above all of `paths` ("" for none in common): a job
    over several stations' items is seen only by those who see every one of them."""
    common = commonpath(list(paths) or ["/"]).rstrip("/")
    return f"{common}/" if common else ""


# -- A redacted copy ---------------------------------------------------------------------


def start_redaction(*, by, item: EvidenceItem, plan: Plan) -> Job:
    """Queue a redacted copy of `item`: the plan is checked now (ValidationError with every
    problem, PermissionDenied), the copy rendered and recorded by the job."""
    redacting.check_redaction(by=by, item=item, plan=plan)
    return jobs.start(
        by=by,
        kind=REDACTION,
        unit_path=item.station.path,
        arguments={"item": item.pk, "plan": plan.as_dict()},
    )


def _item_of(job: Job) -> EvidenceItem:
    found = selectors.items_for(job.started_by).filter(pk=job.arguments["item"]).first()
    if found is None:
        raise jobs.JobRefused([_("The recording is no longer yours to redact.")])
    return found


def _prepare_redaction(job: Job, report: jobs.Report):
    item, plan = _item_of(job), Plan.from_dict(job.arguments["plan"])
    report(_("Rendering the redacted copy"))
    try:
        rendered = redacting.render(by=job.started_by, item=item, plan=plan)
    except PermissionDenied:
        raise jobs.JobRefused([_("The recording is no longer yours to redact.")]) from None
    return item, plan, rendered


def _commit_redaction(job: Job, prepared) -> jobs.JobResult:
    item, plan, rendered = prepared
    copy = redacting.record(by=job.started_by, item=item, plan=plan, rendered=rendered)
    return jobs.JobResult(
        summary=[_("The redacted copy was made; the recording stays as it was.")],
        link=copy.get_absolute_url(),
    )


# -- A case's signed export --------------------------------------------------------------


def start_case_export(*, by, items: list[EvidenceItem], case: str) -> Job:
    """Queue the signed export of a case's items (and their redacted copies) as a zip
    file; ValidationError when there is nothing to export."""
    if not by.has_perm(PERMISSION):
        raise PermissionDenied
    if not items:
        raise ValidationError(_("No evidence is linked to this case yet."))
    return jobs.start(
        by=by,
        kind=CASE_EXPORT,
        unit_path=common_unit_path(item.station.path for item in items),
        arguments={"items": [item.pk for item in items], "case": case},
    )


def exports_of_case(user, case: str, *, limit: int = 5) -> list[jobs.JobState]:
    """The person's latest exports of this case: how they find the file again after
    leaving the job's page."""
    return jobs.started_by(user, kind=CASE_EXPORT, arguments={"case": case}, limit=limit)


def _prepare_export(job: Job, report: jobs.Report) -> list[EvidenceItem]:
    wanted = set(job.arguments["items"])
    items = list(selectors.items_for(job.started_by).filter(pk__in=wanted).order_by("pk"))
    if len(items) != len(wanted) or not job.started_by.has_perm(PERMISSION):
        raise jobs.JobRefused([_("Some of the case's evidence is no longer yours to export.")])
    return items


def _commit_export(job: Job, items: list[EvidenceItem]) -> jobs.JobResult:
    case = job.arguments["case"]
    every = redacting.with_derivatives(items)
    archive = redacting.export_case(by=job.started_by, items=items, case=case)
    count = format_number(len(every), digits=active_digits())
    return jobs.JobResult(
        summary=[_("%(n)s items, with their custody and a signed manifest.") % {"n": count}],
        output=archive,
        output_name=f"evidence-{case}.zip",
        output_temporary=True,
    )


REDACTION_JOB = jobs.JobKind(
    REDACTION, gettext_lazy("Redacted copy"), PERMISSION, _prepare_redaction, _commit_redaction
)
EXPORT_JOB = jobs.JobKind(
    CASE_EXPORT, gettext_lazy("Evidence export"), PERMISSION, _prepare_export, _commit_export
)
