"""Every write of the evidence app: one transaction each, audited in it (the custody chain).

Bytes and rows: an original is renamed into the write-once store before its row is
committed. If the transaction then fails, the file stays where its hash names it and the
next arrival of the same bytes finds it there, so nothing is ever half kept.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.core import audit
from kalantar.core import secrets as hashed_secrets
from kalantar.core.files import file_response, range_response
from kalantar.core.models import AuditEntry
from kalantar.core.persian import normalize_text
from kalantar.core.scoping import can_see_unit
from kalantar.evidence import kinds, playback, store, tus
from kalantar.evidence.desk import normalize_serial
from kalantar.evidence.models import (
    Assignment,
    Camera,
    ComplaintLink,
    EvidenceItem,
    Original,
    Share,
    Upload,
)
from kalantar.incidents.models import PatrolUnit
from kalantar.org.models import Unit


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
            camera=camera, officer=officer, patrol=patrol, checked_out_by=by
        )
        camera.status = Camera.Status.CHECKED_OUT
        camera.save(update_fields=["status"])
        audit.record(
            "evidence.camera_checked_out",
            actor=by,
            obj=camera,
            detail={"serial": camera.serial, "holder": _holder_name(assignment)},
        )
    return assignment


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
            chunk = patch.checksum.new_hasher() if patch.checksum else None
            hashers = [running, chunk] if chunk is not None else [running]
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
