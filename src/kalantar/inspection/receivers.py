"""Inspection follows the complaints app: a conduct complaint opens a case."""

from __future__ import annotations

from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.dispatch import receiver

from kalantar.complaints.signals import conduct_complaint_filed
from kalantar.inspection import services
from kalantar.inspection.models import Case
from kalantar.people.models import User


def _station_of(complaint, by):
    if complaint.routed_unit is not None and complaint.routed_unit.is_station:
        return complaint.routed_unit
    home = getattr(by, "unit", None)
    return home if home is not None and home.is_station else None


def _officer_named(name: str, office):
    """The account of the officer the complaint names, when exactly one of the province's
    officers answers to the name (username or full name); else None."""
    if not name:
        return None
    province = office.parent.path
    named = (
        User.objects.annotate(full=Concat("first_name", Value(" "), "last_name"))
        .filter(unit__path__startswith=province)
        .filter(Q(username=name) | Q(full=name))
    )
    found = list(named[:2])
    return found[0] if len(found) == 1 else None


@receiver(conduct_complaint_filed, dispatch_uid="inspection.open_case_for_complaint")
def open_case_for_complaint(sender, complaint, by, **kwargs) -> None:
    """Inside the complaint's transaction: the case exists as soon as the complaint does."""
    office = complaint.unit
    services.open_case(
        by=None,
        source_kind=Case.Source.CONDUCT_COMPLAINT,
        source_reference=complaint.tracking_code,
        tracking_code=complaint.tracking_code,
        station=_station_of(complaint, by),
        office=office,
        summary=complaint.summary,
        complainant_name="" if complaint.is_anonymous else complaint.complainant_name,
        complainant_mobile=complaint.mobile,
        accused_officer=_officer_named(complaint.accused_officer, office),
        accused_name=complaint.accused_officer,
        now=complaint.filed_at,
    )
