"""Redacted copies and the case export: writes of the evidence app that make new items out
of kept ones, each audited in its own transaction (the custody chain of both items).

A redacted copy is rendered to a partial file, renamed into the write-once store under its
own hash, then recorded: the parent's bytes are only ever read.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kalantar.core import audit
from kalantar.core.scoping import can_see_unit
from kalantar.evidence import faces, media, redaction, redaction_media, services, store
from kalantar.evidence.models import (
    ComplaintLink,
    Derivation,
    EvidenceItem,
    IncidentLink,
    MediaFacts,
    Original,
    Quarantine,
)
from kalantar.evidence.redaction import Plan, Problem

REDACT_PERMISSION = "evidence.change_evidenceitem"


def may_redact(user, item: EvidenceItem) -> bool:
    """The station chief of the item's station (or a unit above it) makes redacted copies."""
    return bool(user.has_perm(REDACT_PERMISSION) and can_see_unit(user, item.station))


def _problem_text(problem: Problem) -> str:
    number = (problem.index or 0) + 1
    texts = {
        "empty": _("Say what to redact: a clip, a muted range or a blurred rectangle."),
        "clip_outside": _("The clip must start before it ends, within the recording."),
        "no_audio": _("This recording has no sound to mute."),
        "mute_outside": _("Muted range %(n)d must start before it ends, within the recording."),
        "mute_overlap": _("Muted range %(n)d overlaps another; join them into one range."),
        "no_picture": _("This recording has no picture to blur."),
        "box_time_outside": _("Rectangle %(n)d must start before it ends, within the recording."),
        "box_too_small": _("Rectangle %(n)d is too small to hide anything."),
        "box_outside": _("Rectangle %(n)d goes past the edge of the picture."),
        "too_many": _("At most 50 ranges and 50 rectangles can be redacted at once."),
    }
    return texts[problem.code] % {"n": number}


def _facts(item: EvidenceItem) -> MediaFacts:
    facts = MediaFacts.objects.filter(item=item).first()
    if facts is None or not facts.readable or not facts.duration_seconds:
        raise ValidationError(_("Only a readable video or audio recording can be redacted."))
    return facts


def media_of(item: EvidenceItem) -> redaction.Media:
    facts = _facts(item)
    path = store.original_path(services._root(), item.original.sha256)
    return redaction.Media(
        duration=facts.duration_seconds,
        width=facts.width,
        height=facts.height,
        has_audio=redaction_media.has_audio(path),
    )


def check_plan(item: EvidenceItem, plan: Plan) -> None:
    """ValidationError with every problem of `plan` for this item, in the reader's words."""
    problems = redaction.validate(plan, media_of(item))
    if problems:
        raise ValidationError([_problem_text(p) for p in problems])


def _render(item: EvidenceItem, plan: Plan, facts: MediaFacts):
    """The redacted bytes, kept in the store: (sha256, size, content type)."""
    root = services._root()
    partial = store.partial_path(root, f"redact-{uuid.uuid4().hex}")
    store.start_partial(partial)
    try:
        output = redaction_media.render(
            store.original_path(root, item.original.sha256),
            partial,
            plan,
            duration=facts.duration_seconds,
            started=facts.device_started_at,
        )
        sha256, size = store.digest(partial)
    except Exception:
        store.drop(partial)
        raise
    store.keep(root, partial, sha256)
    return sha256, size, output.content_type


def check_redaction(*, by, item: EvidenceItem, plan: Plan) -> MediaFacts:
    """Whether `by` may make this copy of `item`: PermissionDenied, or ValidationError with
    every problem in the reader's words; the recording's facts when the plan is sound."""
    if not may_redact(by, item):
        raise PermissionDenied
    if Quarantine.objects.open().filter(item=item).exists():
        raise ValidationError(_("An item in quarantine cannot be redacted."))
    facts = _facts(item)
    check_plan(item, plan)
    return facts


@dataclass(frozen=True)
class Rendered:
    """A redacted copy's bytes, kept in the store under their hash (rendering again writes
    nothing new: the store holds a file once)."""

    sha256: str
    size: int
    content_type: str


def render(*, by, item: EvidenceItem, plan: Plan) -> Rendered:
    """Check and render the copy; nothing is recorded yet (`record`)."""
    facts = check_redaction(by=by, item=item, plan=plan)
    return Rendered(*_render(item, plan, facts))


def redact(*, by, item: EvidenceItem, plan: Plan) -> EvidenceItem:
    """Make a redacted copy of `item` by `plan`: a new item with its own hash, linked to its
    parent, inheriting station, category and links. The parent stays as it was."""
    return record(by=by, item=item, plan=plan, rendered=render(by=by, item=item, plan=plan))


def record(*, by, item: EvidenceItem, plan: Plan, rendered: Rendered) -> EvidenceItem:
    """Record a rendered copy, audited in one transaction (the caller's, when it has one)."""
    facts = _facts(item)
    sha256, size = rendered.sha256, rendered.size
    with transaction.atomic():
        original, _new = Original.objects.get_or_create(
            sha256=sha256, defaults={"size": size, "content_type": rendered.content_type}
        )
        twin = EvidenceItem.objects.filter(original=original, station=item.station).first()
        if twin is not None:
            raise ValidationError(
                _("The same redacted copy was already made: “%(title)s”.") % {"title": twin.title}
            )
        derived = _new_item(by, item, original, plan)
        _copy_facts(derived, facts, plan)
        Derivation.objects.create(
            item=derived,
            parent=item,
            parent_sha256=item.original.sha256,
            plan=plan.as_dict(),
            made_by=by,
        )
        _inherit_links(by, item, derived)
        detail = {"plan": plan.as_dict(), "parent_sha256": item.original.sha256}
        audit.record(
            "evidence.derived",
            actor=by,
            obj=derived,
            detail={**detail, "parent": item.pk, "sha256": sha256, "size": size},
        )
        audit.record(
            "evidence.redaction_made",
            actor=by,
            obj=item,
            detail={**detail, "derivative": derived.pk, "sha256": sha256},
        )
    return derived


def _new_item(by, parent: EvidenceItem, original: Original, plan: Plan) -> EvidenceItem:
    keep = plan.keeps(parent.media.duration_seconds)
    start = parent.recorded_from + timedelta(seconds=keep.start) if parent.recorded_from else None
    until = start + timedelta(seconds=keep.end - keep.start) if start else None
    stem = Path(parent.original_name).stem or "recording"
    return EvidenceItem.objects.create(
        title=(_("%(title)s (redacted)") % {"title": parent.title})[:200],
        category=parent.category,
        station=parent.station,
        province_id=parent.province_id,
        original=original,
        original_name=f"{stem}-redacted.mp4"[:200],
        device=parent.device,
        recorded_by=parent.recorded_by,
        recorded_from=start,
        recorded_until=until,
        uploaded_by=by,
    )


def _copy_facts(derived: EvidenceItem, parent_facts: MediaFacts, plan: Plan) -> MediaFacts:
    read = redaction_media_facts(derived)
    keep = plan.keeps(parent_facts.duration_seconds)
    started = parent_facts.device_started_at
    return MediaFacts.objects.create(
        item=derived,
        readable=read.readable,
        needs_review=not read.readable,
        problem=read.problem,
        duration_seconds=read.duration_seconds,
        width=read.width,
        height=read.height,
        codec=read.codec,
        container=read.container,
        device_started_at=started + timedelta(seconds=keep.start) if started else None,
        clock_offset_seconds=parent_facts.clock_offset_seconds,
        gps_track=parent_facts.gps_track,
    )


def redaction_media_facts(item: EvidenceItem) -> media.Facts:
    return media.read_facts(store.original_path(services._root(), item.original.sha256))


def _inherit_links(by, parent: EvidenceItem, derived: EvidenceItem) -> None:
    for link in IncidentLink.objects.filter(item=parent, status=IncidentLink.Status.LINKED):
        IncidentLink.objects.create(
            item=derived,
            incident=link.incident,
            status=IncidentLink.Status.LINKED,
            automatic=False,
            decided_by=by,
        )
    for link in ComplaintLink.objects.filter(item=parent):
        ComplaintLink.objects.create(item=derived, complaint=link.complaint, linked_by=by)


# --- Face suggestions --------------------------------------------------------------------------


def suggest_faces(*, by, item: EvidenceItem) -> list[redaction.Box]:
    """Boxes where the detector sees faces; the person decides what to blur. Audited: the
    detector read the whole recording on this person's request."""
    if not may_redact(by, item):
        raise PermissionDenied
    facts = _facts(item)
    path = store.original_path(services._root(), item.original.sha256)
    samples = redaction_media.frames(path, every=faces.SAMPLE_EVERY)
    boxes = faces.suggest(samples, duration=facts.duration_seconds)
    with transaction.atomic():
        audit.record(
            "evidence.faces_suggested",
            actor=by,
            obj=item,
            detail={"boxes": len(boxes), "detector": "haar" if faces.available() else ""},
        )
    return boxes


def frame_jpeg(item: EvidenceItem, moment: float) -> bytes | None:
    return redaction_media.frame_jpeg(
        store.original_path(services._root(), item.original.sha256), max(0.0, moment)
    )


# --- The case export ---------------------------------------------------------------------------


def with_derivatives(items: list[EvidenceItem]) -> list[EvidenceItem]:
    """The items followed by every redacted copy made of them (and of those), once each."""
    seen = {item.pk for item in items}
    out = list(items)
    frontier = [item.pk for item in items]
    while frontier:
        found = list(
            EvidenceItem.objects.filter(derivation__parent_id__in=frontier)
            .exclude(pk__in=seen)
            .select_related("station", "device", "recorded_by", "original")
            .order_by("pk")
        )
        seen |= {item.pk for item in found}
        out += found
        frontier = [item.pk for item in found]
    return out


def export_case(*, by, items: list[EvidenceItem], case: str) -> Path:
    """The signed export of `items` and their redacted copies as a zip file (the same
    content evidence_export writes to a folder); the caller sends and removes it."""
    if not items:
        raise ValidationError(_("No evidence is linked to this case yet."))
    work = Path(tempfile.mkdtemp(prefix="evidence-export-"))
    try:
        folder = work / "export"
        services.export_items(by=by, items=with_derivatives(items), folder=folder, case=case)
        archive = Path(tempfile.mkstemp(prefix="evidence-export-", suffix=".zip")[1])
        # Stored, not deflated: recordings are compressed already.
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    zipped.write(path, path.relative_to(folder).as_posix())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return archive
