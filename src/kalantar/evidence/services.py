"""Every write of the evidence app: one transaction each, audited in it (the custody chain).

Bytes and rows: an original is renamed into the write-once store before its row is
committed. If the transaction then fails, the file stays where its hash names it and the
next arrival of the same bytes finds it there, so nothing is ever half kept.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.complaints.workflow import CLOSED
from kalantar.core import audit
from kalantar.core import secrets as hashed_secrets
from kalantar.core.files import file_response, range_response
from kalantar.core.models import AuditEntry
from kalantar.core.persian import normalize_text
from kalantar.core.scoping import can_see_unit
from kalantar.evidence import (
    court_check,
    custody_pdf,
    kinds,
    linking,
    media,
    playback,
    retention,
    selectors,
    signing,
    store,
    tus,
)
from kalantar.evidence.desk import normalize_serial
from kalantar.evidence.models import (
    Assignment,
    Camera,
    ComplaintLink,
    Deletion,
    DeletionNotice,
    Derivation,
    EvidenceItem,
    FixityCheck,
    IncidentLink,
    LegalHold,
    MediaFacts,
    Original,
    Quarantine,
    RetentionPeriod,
    Share,
    Upload,
)
from kalantar.incidents.models import Dispatch, Incident, PatrolUnit
from kalantar.org.models import Unit
from kalantar.org.selectors import province_of


def _root() -> Path:
    return Path(settings.EVIDENCE_DIR)


# --- Cameras and who holds them ----------------------------------------------------------------


def _camera_at_desk(*, by, serial: str) -> Camera:
    """The camera of `serial`, if it is one of the desk's stations' cameras."""
    serial = normalize_serial(serial)
    camera = Camera.objects.select_for_update().select_related("station").filter(serial=serial)
    camera = camera.first()
    if camera is None:
        raise ValidationError(_("No camera has the serial number “%(s)s”.") % {"s": serial})
    if not can_see_unit(by, camera.station):
        raise ValidationError(
            _("Camera “%(s)s” belongs to another station; return it to its own station.")
            % {"s": serial}
        )
    return camera


def register_camera(*, by, serial: str, kind: str, station: Unit) -> Camera:
    serial = normalize_serial(serial)
    if not serial:
        raise ValidationError(_("Give the camera's serial number."))
    if Camera.objects.filter(serial=serial).exists():
        raise ValidationError(_("A camera with this serial number is already registered."))
    with transaction.atomic():
        camera = Camera.objects.create(serial=serial, kind=kind, station=station)
        audit.record(
            "evidence.camera_registered",
            actor=by,
            obj=camera,
            detail={"serial": serial, "kind": kind, "station": station.code},
        )
    return camera


def check_out_camera(
    *, by, serial: str, officer=None, patrol: PatrolUnit | None = None
) -> Assignment:
    """Hand a camera to an officer for a shift, or to a patrol unit's car."""
    if (officer is None) == (patrol is None):
        raise ValidationError(_("Choose either an officer or a patrol unit."))
    with transaction.atomic():
        camera = _camera_at_desk(by=by, serial=serial)
        if camera.status == Camera.Status.CHECKED_OUT:
            holder = Assignment.objects.open().filter(camera=camera).first()
            raise ValidationError(
                _("Camera “%(s)s” is already checked out to %(who)s; check it in first.")
                % {"s": camera.serial, "who": _holder_name(holder)}
            )
        if camera.status == Camera.Status.OUT_OF_SERVICE:
            raise ValidationError(_("Camera “%(s)s” is out of service.") % {"s": camera.serial})
        assignment = Assignment.objects.create(
            camera=camera,
            officer=officer,
            patrol=patrol,
            rides_with=_patrol_of(camera, officer),
            checked_out_by=by,
        )
        camera.status = Camera.Status.CHECKED_OUT
        camera.save(update_fields=["status"])
        audit.record(
            "evidence.camera_checked_out",
            actor=by,
            obj=camera,
            detail={
                "serial": camera.serial,
                "holder": _holder_name(assignment),
                "rides_with": str(assignment.rides_with or ""),
            },
        )
    return assignment


def _patrol_of(camera: Camera, officer) -> PatrolUnit | None:
    """The on-duty patrol unit of the camera's station whose crew the officer is on: a body
    camera rides with it. None when there is none, or more than one to choose from."""
    if officer is None or camera.kind != Camera.Kind.BODY:
        return None
    units = list(
        PatrolUnit.objects.filter(station=camera.station, crew=officer).exclude(
            status=PatrolUnit.Status.OFF_DUTY
        )[:2]
    )
    return units[0] if len(units) == 1 else None


def check_in_camera(*, by, serial: str, device_clock: datetime | None = None) -> Assignment:
    """Take a camera back into the dock, noting how far its clock is from ours."""
    now = timezone.now()
    with transaction.atomic():
        camera = _camera_at_desk(by=by, serial=serial)
        assignment = Assignment.objects.open().filter(camera=camera).first()
        if assignment is None:
            raise ValidationError(
                _("Camera “%(s)s” is not checked out; there is nothing to check in.")
                % {"s": camera.serial}
            )
        assignment.checked_in_at, assignment.checked_in_by = now, by
        if device_clock is not None:
            assignment.clock_offset_seconds = round((device_clock - now).total_seconds(), 1)
        assignment.save(update_fields=["checked_in_at", "checked_in_by", "clock_offset_seconds"])
        camera.status = Camera.Status.AVAILABLE
        camera.save(update_fields=["status"])
        audit.record(
            "evidence.camera_checked_in",
            actor=by,
            obj=camera,
            detail={
                "serial": camera.serial,
                "holder": _holder_name(assignment),
                "clock_offset_seconds": assignment.clock_offset_seconds,
            },
        )
    return assignment


def _holder_name(assignment: Assignment | None) -> str:
    if assignment is None:
        return "?"
    if assignment.officer is not None:
        return assignment.officer.get_full_name() or assignment.officer.username
    return str(assignment.patrol)


# --- Keeping originals and items ---------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """Bytes that reached the store: who brought them, from which camera, under what name."""

    by: object
    station: Unit
    device: Camera | None
    name: str
    via: str  # "upload" | "dock"


def _wearer(device: Camera | None):
    """The officer who last took the camera out (None for a car's camera or no camera)."""
    if device is None:
        return None
    latest = Assignment.objects.filter(camera=device).select_related("officer").first()
    return latest.officer if latest is not None else None


def _keep(*, arrival: Arrival, partial: Path, sha256: str, size: int, content_type: str):
    """Store a finished partial file; return (item, whether the item is new)."""
    store.keep(_root(), partial, sha256)
    with transaction.atomic():
        original, _new = Original.objects.get_or_create(
            sha256=sha256, defaults={"size": size, "content_type": content_type}
        )
        item = EvidenceItem.objects.filter(original=original, station=arrival.station).first()
        if item is not None:
            audit.record(
                "evidence.duplicate_uploaded",
                actor=arrival.by,
                obj=item,
                detail={"name": arrival.name, "sha256": sha256, "via": arrival.via},
            )
            return item, False
        item = EvidenceItem.objects.create(
            title=normalize_text(arrival.name)[:200] or sha256[:12],
            station=arrival.station,
            province_id=province_of(arrival.station),
            original=original,
            original_name=arrival.name[:200],
            device=arrival.device,
            recorded_by=_wearer(arrival.device),
            uploaded_by=arrival.by if getattr(arrival.by, "is_authenticated", False) else None,
        )
        audit.record(
            "evidence.uploaded",
            actor=arrival.by,
            obj=item,
            detail={
                "name": arrival.name,
                "sha256": sha256,
                "size": size,
                "type": content_type,
                "device": arrival.device.serial if arrival.device else "",
                "via": arrival.via,
            },
        )
        _after_arrival(by=arrival.by, item=item, content_type=content_type)
    return item, True


def _refuse(*, by, reason: str, detail: dict) -> None:
    with transaction.atomic():
        audit.record(
            "evidence.upload_refused",
            actor=by,
            object_type="evidence.upload",
            outcome=AuditEntry.Outcome.DENIED,
            detail={"reason": reason, **detail},
        )


def _refusal_message(reason: str, name: str) -> str:
    messages = {
        "empty": _("“%(name)s” is empty (0 bytes); nothing was kept."),
        "type": _(
            "“%(name)s” is not a video, audio, image or PDF file by its content; nothing was kept."
        ),
        "checksum": _(
            "The bytes of “%(name)s” that arrived differ from those sent (checksum); "
            "nothing of them was kept."
        ),
    }
    return messages[reason] % {"name": name}


# --- Resumable uploads (tus) -------------------------------------------------------------------

# The running SHA-256 of each upload this process is receiving, with the offset it has
# reached: a chunk continues it. Another process (or a restart) re-reads the partial file.
_RUNNING: dict[str, tuple[int, object]] = {}
_RUNNING_LOCK = threading.Lock()


class UploadRefused(Exception):
    """An upload the protocol or the content refuses: `status` and a Persian message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _device_from(by, serial: str) -> Camera | None:
    if not serial:
        return None
    camera = Camera.objects.visible_to(by).filter(serial=normalize_serial(serial)).first()
    if camera is None:
        raise UploadRefused(
            400, _("No camera of your station has the serial number “%(s)s”.") % {"s": serial}
        )
    if not Assignment.objects.filter(camera=camera).exists():
        raise UploadRefused(400, _never_checked_out(camera))
    return camera


def _never_checked_out(camera: Camera) -> str:
    return _("Camera “%(s)s” was never checked out: nobody can be named as its wearer.") % {
        "s": camera.serial
    }


def _whole_file_checksum(metadata: dict[str, str]) -> tus.Checksum | None:
    """A checksum of the whole file the client may send as metadata (`checksum`, spelt as
    the Upload-Checksum header), checked when the last byte has arrived."""
    value = metadata.get("checksum")
    return tus.parse_checksum(value) if value else None


def start_upload(*, by, creation: tus.Creation) -> Upload:
    """Open a resumable upload (metadata: filename, and the camera's serial as `device`)."""
    name = creation.metadata.get("filename", "")[:200] or "upload"
    if creation.length == 0:
        _refuse(by=by, reason="empty", detail={"name": name})
        raise UploadRefused(400, _refusal_message("empty", name))
    _whole_file_checksum(creation.metadata)  # a malformed one is refused before any byte
    device = _device_from(by, creation.metadata.get("device", ""))
    station = device.station if device is not None else getattr(by, "unit", None)
    if station is None or not station.is_station:
        raise UploadRefused(400, _("Name the camera the files come from."))
    upload = Upload.objects.create(
        station=station,
        created_by=by,
        device=device,
        filename=name,
        length=creation.length,
        checksum=creation.metadata.get("checksum", "")[:200],
    )
    store.start_partial(store.partial_path(_root(), str(upload.pk)))
    return upload


def _running_hash(upload: Upload, partial: Path):
    key = str(upload.pk)
    with _RUNNING_LOCK:
        known = _RUNNING.get(key)
    if known is not None and known[0] == upload.offset:
        return known[1].copy()
    return store.hash_prefix(partial, upload.offset)


def _chunk_hasher(patch: tus.Patch, offset: int, running):
    """What checks the client's checksum of this PATCH (None without one). A first chunk's
    SHA-256 is the running hash itself: the bytes are not hashed twice the same way."""
    if patch.checksum is None:
        return None
    if offset == 0 and patch.checksum.algorithm == "sha256":
        return running
    return patch.checksum.new_hasher()


def receive_chunk(*, by, upload: Upload, patch: tus.Patch, body: BinaryIO, size: int) -> Upload:
    """Append one PATCH's bytes; refuse them all if their checksum or content is wrong."""
    partial = store.partial_path(_root(), str(upload.pk))
    if upload.status == Upload.Status.COMPLETE:
        raise UploadRefused(409, _("This upload is already finished."))
    if upload.status != Upload.Status.RECEIVING:
        raise UploadRefused(410, _("This upload was cancelled or refused."))
    if upload.offset + size > upload.length:
        raise UploadRefused(400, _("More bytes were sent than the upload declared."))
    try:
        with store.locked(partial) as handle:
            running = _running_hash(upload, partial)
            chunk = _chunk_hasher(patch, upload.offset, running)
            hashers = [running] if chunk is None or chunk is running else [running, chunk]
            received = store.append(
                handle,
                body,
                offset=upload.offset,
                limit=upload.length - upload.offset,
                hashers=hashers,
            )
            if chunk is not None and not patch.checksum.matches(chunk):
                store.cut(handle, upload.offset)
                _refuse(by=by, reason="checksum", detail={"name": upload.filename})
                raise UploadRefused(
                    tus.CHECKSUM_MISMATCH, _refusal_message("checksum", upload.filename)
                )
    except store.Busy as exc:
        raise UploadRefused(423, _("This upload is being written by another request.")) from exc
    except FileNotFoundError as exc:
        raise UploadRefused(404, _("This upload no longer exists.")) from exc
    offset = upload.offset + received
    sniff_at = min(kinds.SNIFF_BYTES, upload.length)
    if upload.offset < sniff_at <= offset and not kinds.media_type(store.head(partial)):
        _abandon(upload, partial, Upload.Status.REFUSED)
        _refuse(by=by, reason="type", detail={"name": upload.filename})
        raise UploadRefused(415, _refusal_message("type", upload.filename))
    Upload.objects.filter(pk=upload.pk).update(offset=offset)
    upload.offset = offset
    with _RUNNING_LOCK:
        _RUNNING[str(upload.pk)] = (offset, running)
    if offset == upload.length:
        whole = _whole_file_checksum({"checksum": upload.checksum})
        whole_hash = running if whole and whole.algorithm == "sha256" else None
        if whole is not None and not whole.matches(whole_hash or _rehash(partial, whole)):
            _abandon(upload, partial, Upload.Status.REFUSED)
            _refuse(by=by, reason="checksum", detail={"name": upload.filename, "whole": True})
            raise UploadRefused(
                tus.CHECKSUM_MISMATCH, _refusal_message("checksum", upload.filename)
            )
        _finish(by=by, upload=upload, partial=partial, sha256=running.hexdigest())
    return upload


def _rehash(partial: Path, checksum: tus.Checksum):
    """The whole file read again under the client's algorithm (not SHA-256, which the
    upload computed as it streamed)."""
    hasher = checksum.new_hasher()
    with open(partial, "rb") as handle:
        while block := handle.read(store.BLOCK):
            hasher.update(block)
    return hasher


def _finish(*, by, upload: Upload, partial: Path, sha256: str) -> None:
    with _RUNNING_LOCK:
        _RUNNING.pop(str(upload.pk), None)
    arrival = Arrival(
        by=by, station=upload.station, device=upload.device, name=upload.filename, via="upload"
    )
    content_type = kinds.media_type(store.head(partial))
    item, _new = _keep(
        arrival=arrival,
        partial=partial,
        sha256=sha256,
        size=upload.length,
        content_type=content_type,
    )
    upload.status, upload.item = Upload.Status.COMPLETE, item
    upload.save(update_fields=["status", "item"])


def _abandon(upload: Upload, partial: Path, status: str) -> None:
    store.drop(partial)
    with _RUNNING_LOCK:
        _RUNNING.pop(str(upload.pk), None)
    upload.status = status
    upload.save(update_fields=["status"])


def terminate_upload(*, by, upload: Upload) -> None:
    """Cancel an unfinished upload and drop what arrived of it (tus termination)."""
    if upload.status != Upload.Status.RECEIVING:
        raise UploadRefused(409, _("This upload is already finished."))
    with transaction.atomic():
        _abandon(upload, store.partial_path(_root(), str(upload.pk)), Upload.Status.TERMINATED)
        audit.record(
            "evidence.upload_cancelled",
            actor=by,
            object_type="evidence.upload",
            object_id=str(upload.pk),
            detail={"name": upload.filename, "received": upload.offset},
        )


# --- Offload from a camera dock ----------------------------------------------------------------


class IngestRefused(Exception):
    """A file of the dock that is not evidence (empty, or not media by its content)."""


def ingest_file(*, by, path: Path, device: Camera) -> tuple[EvidenceItem, bool]:
    """Keep one file of a camera's folder; (item, new). Hashing and copying are one pass;
    the same bytes already kept are not kept again."""
    name = path.name
    if path.stat().st_size == 0:
        _refuse(by=by, reason="empty", detail={"name": name, "device": device.serial})
        raise IngestRefused(_refusal_message("empty", name))
    if not kinds.media_type(store.head(path)):
        _refuse(by=by, reason="type", detail={"name": name, "device": device.serial})
        raise IngestRefused(_refusal_message("type", name))
    # Named after the source, so a run killed mid-copy restarts the same partial file.
    key = hashlib.sha256(f"{device.serial}:{path.resolve()}".encode()).hexdigest()
    partial = store.partial_path(_root(), f"dock-{key}")
    store.start_partial(partial)
    running = hashlib.sha256()
    with store.locked(partial) as handle, open(path, "rb") as source:
        size = store.append(handle, source, offset=0, limit=path.stat().st_size, hashers=[running])
    arrival = Arrival(by=by, station=device.station, device=device, name=name, via="dock")
    return _keep(
        arrival=arrival,
        partial=partial,
        sha256=running.hexdigest(),
        size=size,
        content_type=kinds.media_type(store.head(partial)),
    )


def dock_camera(*, serial: str) -> Camera:
    """The camera a dock's folder came from; it must have been checked out to someone."""
    camera = Camera.objects.filter(serial=normalize_serial(serial)).select_related("station")
    camera = camera.first()
    if camera is None:
        raise ValidationError(_("No camera has the serial number “%(s)s”.") % {"s": serial})
    if not Assignment.objects.filter(camera=camera).exists():
        raise ValidationError(_never_checked_out(camera))
    return camera


# --- Acts on an item ---------------------------------------------------------------------------


def view_item(*, by, item: EvidenceItem) -> EvidenceItem:
    """Note that `by` opened the item's page (its custody chain says who looked)."""
    with transaction.atomic():
        audit.record("evidence.item_viewed", actor=by, obj=item, detail={})
    return item


def download_item(*, by, item: EvidenceItem) -> FileResponse:
    """The original's bytes, the download audited in the same transaction."""
    path = store.original_path(_root(), item.original.sha256)
    with transaction.atomic():
        handle = open(path, "rb")
        audit.record(
            "evidence.item_downloaded",
            actor=by,
            obj=item,
            detail={"sha256": item.original.sha256},
        )
    return file_response(handle, item.original_name)


def change_item(*, by, item: EvidenceItem, title: str, category: str) -> EvidenceItem:
    title = normalize_text(title)[:200]
    if not title:
        raise ValidationError({"title": [_("Give the item a title.")]})
    if category not in EvidenceItem.Category.values:
        raise ValidationError({"category": [_("Choose a category from the list.")]})
    before = {"title": item.title, "category": item.category}
    after = {"title": title, "category": category}
    if before == after:
        return item
    with transaction.atomic():
        item.title, item.category = title, category
        item.save(update_fields=["title", "category"])
        audit.record(
            "evidence.item_changed", actor=by, obj=item, detail={"before": before, "after": after}
        )
    return item


def custody_report(*, by, item: EvidenceItem) -> bytes:
    """The item's custody chain as a Persian PDF for a court. Printing it is itself a
    custody event, recorded first so the paper shows who printed it and when."""
    with transaction.atomic():
        audit.record("evidence.custody_printed", actor=by, obj=item, detail={})
    context = {
        "item": item,
        "facts": MediaFacts.objects.filter(item=item).first(),
        "chain": selectors.custody_chain(item),
        "printed_at": timezone.now(),
    }
    return custody_pdf.render(context)


# --- Fixity: the store read back against its hashes --------------------------------------------


def _inspection_office(station: Unit) -> Unit | None:
    """The inspection office of the station's province, which the alert goes to."""
    unit = station
    while unit is not None and unit.kind != Unit.Kind.PROVINCE:
        unit = unit.parent
    if unit is None:
        return None
    return Unit.objects.filter(parent=unit, kind=Unit.Kind.INSPECTION).order_by("pk").first()


def _quarantine(item: EvidenceItem, *, reason: str, found: tuple[str, int] | None) -> bool:
    """Open the item's quarantine and alert the inspection office; False if already open."""
    if Quarantine.objects.open().filter(item=item).exists():
        return False
    Quarantine.objects.create(
        item=item,
        office=_inspection_office(item.station),
        reason=reason,
        found_sha256=found[0] if found else "",
        found_size=found[1] if found else None,
    )
    audit.record(
        "evidence.quarantined",
        obj=item,
        outcome=AuditEntry.Outcome.FAILED,
        detail={
            "reason": reason,
            "sha256": item.original.sha256,
            "found_sha256": found[0] if found else "",
            "found_size": found[1] if found else None,
        },
    )
    return True


def verify_original(original: Original) -> bool:
    """Read the original back; True when its bytes are those it was kept as. A mismatch or a
    missing file quarantines every item made of it. Each item's chain records the check."""
    return _record_fixity(original, _read_back(original))


def _read_back(original: Original) -> tuple[str, int] | None:
    """The stored file's (sha256, size), None when it is gone. Outside any transaction: a
    long read must not hold the database's write lock or the audit chain's."""
    try:
        return store.digest(store.original_path(_root(), original.sha256))
    except FileNotFoundError:
        return None


def _record_fixity(original: Original, found: tuple[str, int] | None) -> bool:
    intact = found == (original.sha256, original.size)
    reason = Quarantine.Reason.MISSING if found is None else Quarantine.Reason.MISMATCH
    with transaction.atomic():
        FixityCheck.objects.update_or_create(
            original=original, defaults={"checked_at": timezone.now(), "intact": intact}
        )
        for item in original.items.select_related("station", "original"):
            audit.record(
                "evidence.fixity_checked",
                obj=item,
                outcome=AuditEntry.Outcome.OK if intact else AuditEntry.Outcome.FAILED,
                detail={"sha256": original.sha256, "intact": intact},
            )
            if not intact:
                _quarantine(item, reason=reason, found=found)
    return intact


def run_fixity(*, limit: int | None = None, progress=None) -> tuple[int, int]:
    """Verify the `limit` originals checked longest ago (all of them when None); return
    (checked, failed). `progress(done, total, original)` is called after each."""
    # An original whose every item was deleted under retention is gone on purpose.
    live = EvidenceItem.objects.filter(original=OuterRef("pk")).exclude(
        deletions__done_at__isnull=False
    )
    due = Original.objects.filter(Exists(live)).order_by(
        F("fixity__checked_at").asc(nulls_first=True), "pk"
    )
    due = list(due[:limit] if limit is not None else due)
    failed, done = 0, 0
    while done < len(due):
        batch = _fixity_batch(due, done, progress)
        done, failed = done + batch[0], failed + batch[1]
    return len(due), failed


FIXITY_BATCH_SECONDS = 0.5


def _fixity_batch(due: list[Original], start: int, progress) -> tuple[int, int]:
    """Read back originals from `start` for up to half a second, then record them in one
    transaction: for small files the commit, not the hashing, is the cost."""
    began, read = time.monotonic(), []
    for original in due[start:]:
        read.append((original, _read_back(original)))
        if time.monotonic() - began >= FIXITY_BATCH_SECONDS:
            break
    failed = 0
    with transaction.atomic():
        for checked, (original, found) in enumerate(read, start + 1):
            failed += not _record_fixity(original, found)
            if progress is not None:
                progress(checked, len(due), original)
    return len(read), failed


# --- Verified export for the judiciary ---------------------------------------------------------


def _item_facts(item: EvidenceItem, path: str) -> dict:
    recorder = item.recorded_by
    return {
        "id": item.pk,
        "title": item.title,
        "category": item.category,
        "station": item.station.code,
        "station_name": item.station.name,
        "original_name": item.original_name,
        "content_type": item.original.content_type,
        "device": item.device.serial if item.device else "",
        "recorded_by": (recorder.get_full_name() or recorder.username) if recorder else "",
        "recorded_from": item.recorded_from.isoformat() if item.recorded_from else None,
        "recorded_until": item.recorded_until.isoformat() if item.recorded_until else None,
        "uploaded_at": item.uploaded_at.isoformat(),
        "sha256": item.original.sha256,
        "size": item.original.size,
        "file": path,
        "derived_from": _derivation_facts(item),
    }


def _derivation_facts(item: EvidenceItem) -> dict | None:
    """A redacted copy's parent (id and hash) and the plan it was made by; None for an
    original recording. Signed with the rest of the manifest."""
    derivation = Derivation.objects.filter(item=item).first()
    if derivation is None:
        return None
    return {
        "parent_id": derivation.parent_id,
        "parent_sha256": derivation.parent_sha256,
        "plan": derivation.plan,
        "made_at": derivation.made_at.isoformat(),
    }


def _chain_extract(item: EvidenceItem) -> list[dict]:
    """The item's audit entries as they stand in the hash chain (seq, hashes and all)."""
    entries = AuditEntry.objects.filter(
        object_type=item._meta.label_lower, object_id=str(item.pk)
    ).order_by("seq")
    return [
        {
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "actor": entry.actor_username,
            "action": entry.action,
            "outcome": entry.outcome,
            "detail": entry.detail,
            "prev_hash": entry.prev_hash,
            "hash": entry.hash,
        }
        for entry in entries
    ]


def _safe_name(name: str) -> str:
    name = Path(name).name.replace("\\", "_").strip(". ")
    return name[:120] or "file"


def _export_file(item: EvidenceItem, folder: Path) -> dict:
    relative = f"files/{item.pk}/{_safe_name(item.original_name)}"
    copied = store.copy_out(store.original_path(_root(), item.original.sha256), folder / relative)
    if copied != (item.original.sha256, item.original.size):
        raise ValidationError(
            _("The stored file of item %(id)s does not match its hash; it was not exported.")
            % {"id": item.pk}
        )
    return {"path": relative, "sha256": copied[0], "size": copied[1]}


def _write_json(folder: Path, name: str, data) -> dict:
    raw = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()
    (folder / name).write_bytes(raw)
    return {"path": name, "sha256": hashlib.sha256(raw).hexdigest(), "size": len(raw)}


def export_items(*, by, items: list[EvidenceItem], folder: Path, case: str = "") -> dict:
    """Write the items' originals, their custody chains and a signed manifest to `folder`
    (new or empty). The export is itself a custody event, so the extract includes it;
    `case` names the incident or complaint it was made for, if any."""
    if folder.exists() and any(folder.iterdir()):
        raise ValidationError(_("The export folder must be new or empty."))
    held = [item.pk for item in items if Quarantine.objects.open().filter(item=item).exists()]
    if held:
        raise ValidationError(
            _("Items in quarantine cannot be exported: %(ids)s.")
            % {"ids": ", ".join(map(str, held))}
        )
    folder.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        for item in items:
            audit.record(
                "evidence.exported",
                actor=by,
                obj=item,
                detail={
                    "sha256": item.original.sha256,
                    "items": [i.pk for i in items],
                    **({"case": case} if case else {}),
                },
            )
        files = [_export_file(item, folder) for item in items]
        custody = {str(item.pk): _chain_extract(item) for item in items}
        files.append(_write_json(folder, "custody.json", custody))
        manifest = {
            "format": court_check.FORMAT,
            "exported_at": timezone.now().isoformat(),
            "exported_by": getattr(by, "username", "") or "",
            "public_key": signing.public_key_text(),
            "items": [_item_facts(item, f["path"]) for item, f in zip(items, files, strict=False)],
            "files": files,
        }
        _write_json(folder, court_check.MANIFEST, manifest)
        signature = signing.sign((folder / court_check.MANIFEST).read_bytes())
        (folder / court_check.SIGNATURE).write_text(signature)
    return manifest


# --- Retention ---------------------------------------------------------------------------------


def _incident_closings(item: EvidenceItem) -> list[datetime | None]:
    """When each incident the item is linked to was closed (None: still open). The close
    is read from the incident's audit entry; an older close without one, from its clearing."""
    incidents = Incident.objects.filter(
        pk__in=item.incident_links.filter(status=IncidentLink.Status.LINKED).values("incident")
    )
    closings: list[datetime | None] = []
    for incident in incidents:
        if incident.status != Incident.Status.CLOSED:
            closings.append(None)
            continue
        closed = (
            AuditEntry.objects.filter(
                object_type="incidents.incident",
                object_id=str(incident.pk),
                action="incidents.close",
            )
            .order_by("-seq")
            .values_list("at", flat=True)
            .first()
        )
        closings.append(closed or incident.cleared_at or incident.received_at)
    return closings


def _complaint_closings(item: EvidenceItem) -> list[datetime | None]:
    rows = item.complaint_links.values_list("complaint__status", "complaint__closed_at")
    return [closed_at if status == CLOSED else None for status, closed_at in rows]


def retention_days() -> dict[str, int]:
    """The retention period of each category that has one, in days."""
    return dict(RetentionPeriod.objects.values_list("category", "days"))


def _periods(
    item: EvidenceItem, rows: dict[str, int], *, incidents: bool, complaints: bool
) -> list[int | None]:
    """The periods that apply: the item's own category's (no row: indefinite), and those
    set for the incident and complaint categories when it is linked to such cases, which
    can only lengthen it (the longest wins)."""
    periods = [rows.get(item.category)]
    for linked, category in (
        (incidents, EvidenceItem.Category.INCIDENT),
        (complaints, EvidenceItem.Category.COMPLAINT),
    ):
        if linked and category in rows:
            periods.append(rows[category])
    return periods


def retention_end(item: EvidenceItem, days: dict[str, int] | None = None):
    """When the item's retention ends (None: kept), by its category's period and its holds.
    Linked to an open incident or complaint, it is kept until the case closes; the period
    then counts from the closing, the longest applicable category's."""
    incidents, complaints = _incident_closings(item), _complaint_closings(item)
    start = retention.clock_start(item.uploaded_at, incidents + complaints)
    if start is None:
        return None
    rows = retention_days() if days is None else days
    periods = _periods(item, rows, incidents=bool(incidents), complaints=bool(complaints))
    holds = list(item.holds.values_list("placed_at", "lifted_at"))
    return retention.expires_at(start, periods, holds)


def _pending_deletion(item: EvidenceItem) -> Deletion | None:
    return item.deletions.filter(undone_at__isnull=True, done_at__isnull=True).first()


def queue_expired(*, now=None) -> int:
    """The nightly job: queue each item whose retention has ended (once: an undone deletion
    means a person decided to keep it). Returns how many were queued."""
    now = now or timezone.now()
    queued, days = 0, retention_days()  # read once for the whole pass
    for item in EvidenceItem.objects.exclude(deletions__isnull=False).select_related("original"):
        end = retention_end(item, days)
        if end is None or end > now:
            continue
        with transaction.atomic():
            deletion = Deletion.objects.create(
                item=item,
                sha256=item.original.sha256,
                size=item.original.size,
                category=item.category,
                reason=f"retention ended {end.date().isoformat()} ({item.category})",
                queued_at=now,
                due_at=now + timedelta(days=retention.UNDO_DAYS),
            )
            audit.record(
                "evidence.deletion_queued",
                obj=item,
                detail={"due": deletion.due_at.isoformat(), "category": item.category},
            )
        queued += 1
    return queued


def _chief_of(by, item: EvidenceItem) -> None:
    if not (can_see_unit(by, item.station) and by.has_perm("evidence.delete_evidenceitem")):
        raise ValidationError(_("Only the station chief may decide on deleting evidence."))


def approve_deletion(*, by, deletion: Deletion, why: str) -> Deletion:
    """The chief's consent: without it a due deletion is not carried out."""
    _chief_of(by, deletion.item)
    why = normalize_text(why)[:300]
    if not why:
        raise ValidationError({"why": [_("Say why the item may be deleted.")]})
    with transaction.atomic():
        deletion.approved_by, deletion.approval_reason = by, why
        deletion.save(update_fields=["approved_by", "approval_reason"])
        audit.record("evidence.deletion_approved", actor=by, obj=deletion.item, detail={"why": why})
    return deletion


def undo_deletion(*, by, deletion: Deletion) -> Deletion:
    _chief_of(by, deletion.item)
    if deletion.done_at is not None or deletion.undone_at is not None:
        raise ValidationError(_("This deletion can no longer be undone."))
    with transaction.atomic():
        deletion.undone_by, deletion.undone_at = by, timezone.now()
        deletion.save(update_fields=["undone_by", "undone_at"])
        audit.record("evidence.deletion_undone", actor=by, obj=deletion.item, detail={})
    return deletion


def place_hold(*, by, item: EvidenceItem, reason: str) -> LegalHold:
    if by is not None:
        _chief_of(by, item)
    reason = normalize_text(reason)[:300]
    if not reason:
        raise ValidationError({"reason": [_("Say why the item is held.")]})
    with transaction.atomic():
        hold = LegalHold.objects.create(item=item, reason=reason, placed_by=by)
        pending = _pending_deletion(item)
        if pending is not None:  # a hold stops a queued deletion too
            pending.undone_at = timezone.now()
            pending.save(update_fields=["undone_at"])
        audit.record("evidence.hold_placed", actor=by, obj=item, detail={"reason": reason})
    return hold


def lift_hold(*, by, hold: LegalHold, reason: str) -> LegalHold:
    if by is not None:
        _chief_of(by, hold.item)
    reason = normalize_text(reason)[:300]
    if not reason:
        raise ValidationError({"reason": [_("Say why the hold is lifted.")]})
    if hold.lifted_at is not None:
        raise ValidationError(_("This hold was already lifted."))
    with transaction.atomic():
        hold.lifted_by, hold.lifted_at, hold.lift_reason = by, timezone.now(), reason
        hold.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
        audit.record("evidence.hold_lifted", actor=by, obj=hold.item, detail={"reason": reason})
    return hold


SUMMARY_DAYS = 7  # the weekly summary looks this far ahead


def _notice_entry(deletion: Deletion) -> dict:
    return {
        "deletion": deletion.pk,
        "item": deletion.item_id,
        "title": deletion.item.title,
        "due": deletion.due_at.isoformat(),
        "approved": deletion.approved_by_id is not None,
    }


def weekly_summary(*, now=None) -> int:
    """Tell each station's chief what will be deleted in the coming week (a notice on their
    home and retention pages). Returns how many stations were told."""
    now = now or timezone.now()
    until = now + timedelta(days=SUMMARY_DAYS)
    coming = (
        Deletion.objects.pending()
        .filter(due_at__lte=until)
        .select_related("item", "item__station")
        .order_by("item__station_id", "due_at")
    )
    by_station: dict[Unit, list[Deletion]] = {}
    for deletion in coming:
        by_station.setdefault(deletion.item.station, []).append(deletion)
    for station, deletions in by_station.items():
        with transaction.atomic():
            notice = DeletionNotice.objects.create(
                station=station,
                made_at=now,
                until=until,
                count=len(deletions),
                size=sum(d.size for d in deletions),
                unapproved=sum(d.approved_by_id is None for d in deletions),
                entries=[_notice_entry(d) for d in deletions],
            )
            audit.record(
                "evidence.deletion_summary_sent",
                obj=notice,
                detail={"station": station.code, "count": notice.count},
            )
    return len(by_station)


def carry_out_due(*, now=None) -> int:
    """Delete the originals of approved deletions whose week has passed; each row stays as
    the tombstone. An original another item still uses stays in the store."""
    now = now or timezone.now()
    due = Deletion.objects.filter(
        due_at__lte=now, done_at__isnull=True, undone_at__isnull=True, approved_by__isnull=False
    ).select_related("item", "item__original")
    done = 0
    for deletion in due:
        original = deletion.item.original
        with transaction.atomic():
            deletion.done_at = now
            deletion.save(update_fields=["done_at"])
            audit.record(
                "evidence.deletion_done",
                obj=deletion.item,
                detail={"sha256": deletion.sha256, "size": deletion.size},
            )
            still_used = (
                original.items.exclude(pk=deletion.item_id)
                .exclude(deletions__done_at__isnull=False)
                .exists()
            )
            if not still_used:
                store.drop(store.original_path(_root(), original.sha256))
        done += 1
    return done


# --- Media facts and links to incidents --------------------------------------------------------

_MEDIA = ("video/", "audio/")


def _after_arrival(*, by, item: EvidenceItem, content_type: str) -> None:
    """What a new item's bytes say about it, then the incidents it belongs to (in the
    transaction that created it)."""
    if content_type.startswith(_MEDIA):
        read_media(by=by, item=item)
        link_item(item=item)


def _camera_holdings(device: Camera) -> list[tuple[int, datetime, datetime | None, float | None]]:
    rows = Assignment.objects.filter(camera=device).order_by("checked_out_at")
    return [(a.pk, a.checked_out_at, a.checked_in_at, a.clock_offset_seconds) for a in rows]


def _correct_times(item: EvidenceItem, facts: media.Facts) -> float | None:
    """Put the recording on the dock's clock by the offset of the assignment it was made
    in; name that assignment's officer as its wearer. Returns the offset applied."""
    if facts.device_start is None:
        return None
    offset = None
    found = (
        linking.covering(_camera_holdings(item.device), facts.device_start) if item.device else None
    )
    if found is not None:
        assignment = Assignment.objects.select_related("officer").get(pk=found[0])
        offset = found[1]
        item.recorded_by = assignment.officer
    item.recorded_from = media.corrected(facts.device_start, offset)
    if facts.duration_seconds is not None:
        item.recorded_until = item.recorded_from + timedelta(seconds=facts.duration_seconds)
    item.save(update_fields=["recorded_by", "recorded_from", "recorded_until"])
    return offset


def read_media(*, by, item: EvidenceItem) -> MediaFacts:
    """Read the original's media facts; a file that cannot be read stays, flagged."""
    facts = media.read_facts(store.original_path(_root(), item.original.sha256))
    with transaction.atomic():
        offset = _correct_times(item, facts)
        row = MediaFacts.objects.create(
            item=item,
            readable=facts.readable,
            needs_review=not facts.readable,
            problem=facts.problem,
            duration_seconds=facts.duration_seconds,
            width=facts.width,
            height=facts.height,
            codec=facts.codec,
            container=facts.container,
            device_started_at=facts.device_start,
            clock_offset_seconds=offset,
            gps_track=[list(point) for point in facts.gps],
        )
        audit.record(
            "evidence.media_read" if facts.readable else "evidence.flagged_for_review",
            actor=by,
            obj=item,
            detail={
                "duration": facts.duration_seconds,
                "resolution": f"{facts.width}x{facts.height}" if facts.width else "",
                "codec": facts.codec,
                "clock_offset_seconds": offset,
                "problem": facts.problem,
            },
        )
    return row


def _holding(assignment: Assignment) -> linking.Holding:
    """A car's camera, or a body camera riding with a patrol unit, is held by the unit; a
    body camera on its own, by its officer."""
    unit = assignment.patrol_id or assignment.rides_with_id
    return linking.Holding(
        linking.PATROL if unit else linking.OFFICER,
        unit or assignment.officer_id,
        assignment.checked_out_at,
        assignment.checked_in_at,
    )


def link_item(*, item: EvidenceItem) -> linking.Match | None:
    """Link the recording to the one incident it matches, or suggest the several."""
    if item.device is None or item.recorded_from is None:
        return None
    begin, until = item.recorded_from, item.recorded_until or item.recorded_from
    assignments = Assignment.objects.filter(camera=item.device, checked_out_at__lte=until).filter(
        Q(checked_in_at__isnull=True) | Q(checked_in_at__gte=begin)
    )
    holdings = [_holding(a) for a in assignments]
    dispatches = Dispatch.objects.filter(
        incident__station=item.station, dispatched_at__lte=until
    ).filter(Q(cleared_at__isnull=True) | Q(cleared_at__gte=begin))
    attendances = [
        linking.Attendance(d.incident_id, d.unit_id, d.dispatched_at, d.cleared_at)
        for d in dispatches
    ]
    found = linking.match((begin, until), holdings, attendances)
    if not found.incidents:
        return found
    status = IncidentLink.Status.LINKED if found.unique else IncidentLink.Status.SUGGESTED
    with transaction.atomic():
        for incident_id in found.incidents:
            IncidentLink.objects.get_or_create(
                item=item, incident_id=incident_id, defaults={"status": status}
            )
        audit.record(
            "evidence.linked" if found.unique else "evidence.link_suggested",
            obj=item,
            detail={"incidents": _numbers(found.incidents)},
        )
    return found


def _numbers(incident_ids: tuple[int, ...]) -> list[str]:
    return sorted(Incident.objects.filter(pk__in=incident_ids).values_list("number", flat=True))


def decide_link(*, by, link: IncidentLink, confirm: bool) -> IncidentLink:
    """The station chief confirms or dismisses a suggested link."""
    if link.status != IncidentLink.Status.SUGGESTED:
        raise ValidationError(_("This link was already decided."))
    with transaction.atomic():
        link.status = IncidentLink.Status.LINKED if confirm else IncidentLink.Status.DISMISSED
        link.decided_by = by
        link.save(update_fields=["status", "decided_by"])
        audit.record(
            "evidence.link_confirmed" if confirm else "evidence.link_dismissed",
            actor=by,
            obj=link.item,
            detail={"incident": link.incident.number},
        )
    return link


# --- Playback with a stated purpose ------------------------------------------------------------


def start_playback(*, by, item: EvidenceItem, purpose: str, session) -> datetime:
    """Note why `by` is about to watch the item (a custody event) and let their session
    stream it for a while; returns until when."""
    purpose = normalize_text(purpose)
    if not playback.PURPOSE_MIN <= len(purpose) <= playback.PURPOSE_MAX:
        raise ValidationError(
            {"purpose": [_("State the purpose of viewing in a few words (up to 300 letters).")]}
        )
    if not playback.is_playable(item.original.content_type):
        raise ValidationError(_("Only video and audio can be played; download the file instead."))
    with transaction.atomic():
        audit.record("evidence.item_streamed", actor=by, obj=item, detail={"purpose": purpose})
    return playback.grant(session, item.pk, timezone.now())


def stream_item(*, item: EvidenceItem, range_header: str) -> HttpResponse:
    """The original's bytes for the player, a range at a time (the purpose was audited when
    the grant was given; each of the player's many requests is not an act of its own)."""
    original = item.original
    handle = open(store.original_path(_root(), original.sha256), "rb")
    return range_response(
        handle, size=original.size, range_header=range_header, content_type=original.content_type
    )


# --- Links to complaints -----------------------------------------------------------------------


def link_complaint(*, by, item: EvidenceItem, complaint) -> ComplaintLink:
    """Link footage to the complaint it bears on; a conduct complaint's inspectors then see
    it (ItemQuerySet.visible_to). Linking twice changes nothing."""
    with transaction.atomic():
        link, new = ComplaintLink.objects.get_or_create(
            item=item, complaint=complaint, defaults={"linked_by": by}
        )
        if new:
            audit.record(
                "evidence.complaint_linked",
                actor=by,
                obj=item,
                detail={"complaint": complaint.tracking_code},
            )
    return link


# --- Share links for a prosecutor or a court ---------------------------------------------------

SHARE_DAYS_MAX = 30


class ShareRefused(Exception):
    """A share link that opens nothing; the message is for the person who followed it."""


def share_item(*, by, item: EvidenceItem, recipient: str, mode: str, days: int):
    """A link for `recipient` to watch or download the item for `days` days; returns the
    share and its secret, shown once (only its digest is kept)."""
    recipient = normalize_text(recipient)[:200]
    errors: dict[str, list[str]] = {}
    if not recipient:
        errors["recipient"] = [_("Name the prosecutor's office or court the link is for.")]
    if mode not in Share.Mode.values:
        errors["mode"] = [_("Choose watching only or download.")]
    if not 1 <= days <= SHARE_DAYS_MAX:
        errors["days"] = [_("A link lasts from 1 to 30 days.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        share = Share(
            item=item,
            recipient=recipient,
            mode=mode,
            expires_at=timezone.now() + timedelta(days=days),
            created_by=by,
        )
        raw = share.draw_secret()
        share.save()
        audit.record(
            "evidence.shared",
            actor=by,
            obj=item,
            detail={
                "share": share.prefix,
                "recipient": recipient,
                "mode": mode,
                "expires_at": share.expires_at.isoformat(),
            },
        )
    return share, raw


def revoke_share(*, by, share: Share) -> Share:
    if share.revoked_at is not None:
        return share
    with transaction.atomic():
        share.revoked_at, share.revoked_by = timezone.now(), by
        share.save(update_fields=["revoked_at", "revoked_by"])
        audit.record(
            "evidence.share_revoked",
            actor=by,
            obj=share.item,
            detail={"share": share.prefix, "recipient": share.recipient},
        )
    return share


def _share_for(token: str) -> Share:
    """The share of a link, whatever its state; a refusal that says why it opens nothing."""
    share = None
    if hashed_secrets.is_of_kind(token, Share.SECRET_PREFIX):
        share = (
            Share.objects.filter(digest=hashed_secrets.digest(token))
            .select_related("item__original", "item__station")
            .first()
        )
    if share is None:
        raise ShareRefused(
            _("This link is not valid: it may have been copied incompletely or changed.")
        )
    if share.revoked_at is not None:
        raise ShareRefused(
            _(
                "The police station that sent this link has withdrawn it. "
                "Ask them if you still need the recording."
            )
        )
    if share.expires_at <= timezone.now():
        raise ShareRefused(
            _("This link has expired. Ask the police station that sent it for a new one.")
        )
    return share


def _share_detail(share: Share, **detail) -> dict:
    return {"share": share.prefix, "recipient": share.recipient, **detail}


def open_share(*, token: str) -> Share:
    """The recipient opened the link: a custody event each time."""
    share = _share_for(token)
    with transaction.atomic():
        audit.record(
            "evidence.share_opened", actor=None, obj=share.item, detail=_share_detail(share)
        )
    share.note_use()
    return share


def acknowledge_share(*, token: str, name: str) -> Share:
    """The recipient confirms receipt under their name; the first confirmation is kept."""
    share = _share_for(token)
    name = normalize_text(name)[:200]
    if not name:
        raise ValidationError({"name": [_("Write your name and post to acknowledge receipt.")]})
    if share.acknowledged_at is not None:
        return share
    with transaction.atomic():
        share.acknowledged_at, share.acknowledged_by = timezone.now(), name
        share.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit.record(
            "evidence.share_acknowledged",
            actor=None,
            obj=share.item,
            detail=_share_detail(share, name=name),
        )
    return share


def shared_file(*, token: str, range_header: str) -> HttpResponse:
    """The item's bytes through a link: played by ranges, or downloaded (audited)."""
    share = _share_for(token)
    if share.acknowledged_at is None:
        raise ShareRefused(_("Acknowledge receipt of the recording first."))
    if share.mode == Share.Mode.STREAM:
        return stream_item(item=share.item, range_header=range_header)
    path = store.original_path(_root(), share.item.original.sha256)
    with transaction.atomic():
        handle = open(path, "rb")
        audit.record(
            "evidence.share_downloaded",
            actor=None,
            obj=share.item,
            detail=_share_detail(share, sha256=share.item.original.sha256),
        )
    return file_response(handle, share.item.original_name)
