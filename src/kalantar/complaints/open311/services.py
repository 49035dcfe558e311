"""Reporting through Open311: a client application's report becomes a complaint."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.complaints import services
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Complaint, Open311Key
from kalantar.complaints.open311 import keys, parsing, selectors
from kalantar.complaints.open311.errors import Open311Error, RateLimited, refused
from kalantar.core import audit, limits
from kalantar.org.models import Unit

FILING_LIMIT_GROUP = "open311.filing"
NAME_LIMIT = Complaint._meta.get_field("complainant_name").max_length
ADDRESS_LIMIT = Complaint._meta.get_field("location_text").max_length


def _count_filing(key: Open311Key) -> None:
    """Count a report against its key's limit; RateLimited when over it.

    Every report with a valid key counts, refused ones included: a flood of bad reports
    costs the service as much as a flood of good ones.
    """
    wait = limits.seconds_left(
        None,  # the key alone decides; the limiter reads no request for it
        group=FILING_LIMIT_GROUP,
        key=lambda group, request: key.digest,
        rate=settings.OPEN311_FILING_RATE,
    )
    if wait is not None:
        raise RateLimited(wait)


def file_report(*, params: parsing.Params, province: Unit | None) -> Complaint:
    """File the report a client application sent, as that application's; audited.

    Checks run in the order a client fixes them: the key, its limit, the service, the place,
    then the texts; the first refusal is the answer."""
    key = keys.key_for(params.get("api_key"))
    if key is None:
        raise Open311Error(403, _("Missing or invalid api_key: the request was not registered."))
    _count_filing(key)
    category = selectors.category(params.get("service_code"))
    lat, lon = parsing.location(params)
    if selectors.is_outside(province, lat, lon):
        raise Open311Error(
            400, _("The place is outside jurisdiction %(id)s.") % {"id": province.code}
        )
    report = parsing.report(params, name_limit=NAME_LIMIT, address_limit=ADDRESS_LIMIT)
    try:
        with transaction.atomic():
            draft = ComplaintDraft(
                category=category,
                incident_at=timezone.now(),  # Open311 has no time of the incident
                summary=report.summary,
                narrative=report.narrative,
                lat=lat,
                lon=lon,
                location_text=report.location_text,
                complainant_name=report.complainant_name,
                national_code=report.national_code,
                mobile=report.mobile,
                is_anonymous=report.is_anonymous(allowed=category.anonymous_allowed),
            )
            complaint = services.file_complaint(
                by=None, channel=Complaint.Channel.OPEN311, draft=draft
            )
            Complaint.objects.filter(pk=complaint.pk).update(open311_key=key)
            complaint.open311_key = key
            # Which application sent it, next to the filing's own audit entry.
            audit.record(
                "complaints.open311.report",
                obj=complaint,
                detail={"key": key.prefix, "application": key.name},
            )
    except ValidationError as error:
        raise refused(error) from error
    return complaint
