"""A complaint accepted by a station creates or links its incident.

The complaints service sends `complaint_accepted` inside its transaction, so the incident
commits with the complaint's step.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver

from kalantar.complaints.signals import complaint_accepted
from kalantar.incidents.services import incident_for_complaint

log = logging.getLogger(__name__)


@receiver(complaint_accepted, dispatch_uid="incidents.complaint_accepted")
def open_incident_for_complaint(sender, complaint, by, **kwargs) -> None:
    try:
        # A savepoint: a complaint that cannot become an incident (handled by the
        # inspection office, or with no place at all) still takes its step; the reason is
        # logged, as nothing is wrong with the complaint.
        with transaction.atomic():
            incident_for_complaint(by=by, complaint=complaint)
    except ValidationError as error:
        log.info("complaint %s gave no incident: %s", complaint.pk, error.messages)
