"""A complaint accepted by a station creates or links its incident.

The complaints service writes a timeline event for every status change; the first move
out of "registered" into the station's work (assigned or under investigation) is the
acceptance. This runs inside the complaint's own transaction, so both commit together.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from kalantar.complaints import workflow
from kalantar.complaints.models import ComplaintEvent

log = logging.getLogger(__name__)
ACCEPTED = (workflow.ASSIGNED, workflow.INVESTIGATING)


@receiver(post_save, sender=ComplaintEvent, dispatch_uid="incidents.complaint_accepted")
def complaint_accepted(sender, instance: ComplaintEvent, created: bool, **kwargs) -> None:
    if not created or instance.to_status not in ACCEPTED:
        return
    from kalantar.incidents.services import incident_for_complaint

    try:
        # A savepoint: a complaint that cannot become an incident (no place, not at a
        # station) still changes status; the reason is logged.
        with transaction.atomic():
            incident_for_complaint(by=instance.actor, complaint=instance.complaint)
    except ValidationError as error:
        log.info("complaint %s gave no incident: %s", instance.complaint_id, error.messages)
