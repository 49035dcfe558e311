"""Reads of the evidence app, each scoped to what the user may see (core.scoping)."""

from __future__ import annotations

import uuid

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from kalantar.complaints.models import Complaint
from kalantar.core import audit
from kalantar.core.models import AuditEntry
from kalantar.core.scoping import found_or_404, get_visible_or_404
from kalantar.evidence.models import (
    Assignment,
    Camera,
    ComplaintLink,
    Deletion,
    DeletionNotice,
    EvidenceItem,
    IncidentLink,
    LegalHold,
    MediaFacts,
    Quarantine,
    Share,
    Upload,
)
from kalantar.incidents.models import Incident, PatrolUnit


def cameras_for(user) -> QuerySet[Camera]:
    return Camera.objects.visible_to(user).select_related("station")


def camera_for(user, pk: int) -> Camera:
    return get_visible_or_404(Camera.objects.select_related("station"), user, pk=pk)


def open_assignments(user) -> QuerySet[Assignment]:
    return (
        Assignment.objects.visible_to(user)
        .open()
        .select_related("camera", "officer", "patrol", "rides_with")
        .order_by("camera__serial")
    )


def officers_for(user) -> QuerySet:
    return get_user_model().objects.visible_to(user).filter(is_active=True).order_by("username")


def patrols_for(user) -> QuerySet[PatrolUnit]:
    return PatrolUnit.objects.visible_to(user).select_related("station")


def items_for(user) -> QuerySet[EvidenceItem]:
    # An item deleted under retention lives on only as its tombstone (Deletion).
    live = EvidenceItem.objects.exclude(deletions__done_at__isnull=False)
    return live.visible_to(user).select_related("station", "device", "recorded_by", "original")


def live_item(user, pk: int) -> EvidenceItem | None:
    """The item if the user may see it and retention has not deleted it; None otherwise."""
    return items_for(user).filter(pk=pk).first()


def item_for(user, pk: int) -> EvidenceItem:
    return get_visible_or_404(
        EvidenceItem.objects.select_related("station", "device", "recorded_by", "original"),
        user,
        pk=pk,
    )


def custody_chain(item: EvidenceItem) -> list[AuditEntry]:
    """Every act on the item, oldest first: the audit entries that name it, each with its
    action's name in the current language."""
    entries = list(
        AuditEntry.objects.filter(object_type=item._meta.label_lower, object_id=str(item.pk))
        .select_related("actor")
        .order_by("seq")
    )
    for entry in entries:
        entry.action_label = audit.action_label(entry.action)
        entry.purpose = _purpose(entry.detail)
    return entries


_STATED = ("purpose", "reason", "why", "recipient", "name")


def _purpose(detail: dict) -> str:
    """What the person stated for the act (a viewing's purpose, a hold's reason, a share's
    recipient...), for the printed chain."""
    if not isinstance(detail, dict):
        return ""
    return next((str(detail[key]) for key in _STATED if detail.get(key)), "")


def upload_for(user, upload_id: str) -> Upload:
    """An upload its own author is sending (nobody else may append to or cancel it)."""
    try:
        key = uuid.UUID(upload_id)
    except ValueError as exc:
        raise Http404 from exc
    upload = get_visible_or_404(Upload.objects.select_related("station", "device"), user, pk=key)
    if upload.created_by_id != user.pk:
        raise Http404
    return upload


def quarantines_for(user) -> QuerySet[Quarantine]:
    """The open fixity alerts the user's inspection office (or a unit above it) received."""
    return (
        Quarantine.objects.visible_to(user)
        .open()
        .select_related("item", "item__station", "item__original", "office")
    )


def items_by_ids(ids: list[int]) -> list[EvidenceItem]:
    """The items of `ids` in that order, for a command run by the system's operator (the
    export); an unknown id is left out, and the caller says which."""
    found = EvidenceItem.objects.select_related(
        "station", "device", "recorded_by", "original"
    ).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def media_facts(item: EvidenceItem) -> MediaFacts | None:
    return MediaFacts.objects.filter(item=item).first()


def incident_links(item: EvidenceItem) -> list[IncidentLink]:
    """The item's links and suggestions; dismissed ones stay out of sight."""
    return list(
        IncidentLink.objects.filter(item=item)
        .exclude(status=IncidentLink.Status.DISMISSED)
        .select_related("incident")
        .order_by("status", "incident__number")  # linked before suggested
    )


def link_for(user, item_pk: int, link_pk: int) -> IncidentLink | None:
    """A link of an item the user may see; None otherwise."""
    item = EvidenceItem.objects.visible_to(user).filter(pk=item_pk).first()
    if item is None:
        return None
    return (
        IncidentLink.objects.select_related("item", "incident")
        .filter(item=item, pk=link_pk)
        .first()
    )


def shares_of(user, item: EvidenceItem) -> QuerySet[Share]:
    """The item's share links, newest first, for the people who may manage them."""
    return Share.objects.visible_to(user).filter(item=item).order_by("-created_at")


def share_for(user, pk: int) -> Share | None:
    return Share.objects.visible_to(user).select_related("item").filter(pk=pk).first()


# --- Redacted copies and the case export ---------------------------------------------------------


def derivatives_of(item: EvidenceItem) -> QuerySet[EvidenceItem]:
    return EvidenceItem.objects.filter(derivation__parent=item).select_related("original")


def items_of_incident(user, incident) -> list[EvidenceItem]:
    """The items the user may see that are linked to the incident (confirmed links)."""
    linked = IncidentLink.objects.filter(incident=incident, status=IncidentLink.Status.LINKED)
    return list(items_for(user).filter(pk__in=linked.values("item")).order_by("pk"))


def items_of_complaint(user, complaint) -> list[EvidenceItem]:
    linked = ComplaintLink.objects.filter(complaint=complaint)
    return list(items_for(user).filter(pk__in=linked.values("item")).order_by("pk"))


def case_items_of_incident(user, number: str):
    incident = found_or_404(Incident.objects.visible_to(user).filter(number=number).first())
    return incident, items_of_incident(user, incident)


def case_items_of_complaint(user, code: str):
    complaint = found_or_404(Complaint.objects.visible_to(user).filter(tracking_code=code).first())
    return complaint, items_of_complaint(user, complaint)


# --- Retention: the chief's page -------------------------------------------------------------
def pending_deletions(user) -> QuerySet[Deletion]:
    """Items queued for deletion in the user's units, soonest first (undoable until due)."""
    return (
        Deletion.objects.visible_to(user)
        .pending()
        .select_related("item", "item__station", "approved_by")
        .order_by("due_at")
    )


def deletion_for(user, pk: int) -> Deletion:
    return get_visible_or_404(Deletion.objects.select_related("item", "item__station"), user, pk=pk)


def open_holds(user) -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.visible_to(user)
        .open()
        .select_related("item", "item__station", "placed_by")
        .order_by("-placed_at")
    )


def hold_for(user, pk: int) -> LegalHold:
    return get_visible_or_404(
        LegalHold.objects.select_related("item", "item__station"), user, pk=pk
    )


def tombstones(user) -> QuerySet[Deletion]:
    """What was deleted: hash, size, category, who approved and why."""
    return (
        Deletion.objects.visible_to(user)
        .done()
        .select_related("item", "item__station", "approved_by")
        .order_by("-done_at")
    )


def latest_notice(user) -> DeletionNotice | None:
    return DeletionNotice.objects.visible_to(user).select_related("station").first()
