"""Inspection follows the complaints app and the 197 line: a conduct report opens a case."""

from __future__ import annotations

from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.dispatch import receiver

from kalantar.complaints.selectors import inspection_office
from kalantar.complaints.signals import conduct_complaint_filed
from kalantar.feedback.signals import conduct_reported
from kalantar.inspection import services
from kalantar.inspection.drafts import CaseReport
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
        office=office,
        now=complaint.filed_at,
        report=CaseReport(
            source_kind=Case.Source.CONDUCT_COMPLAINT,
            source_reference=complaint.tracking_code,
            tracking_code=complaint.tracking_code,
            station=_station_of(complaint, by),
            summary=complaint.summary,
            complainant_name="" if complaint.is_anonymous else complaint.complainant_name,
            complainant_mobile=complaint.mobile,
            accused_officer=_officer_named(complaint.accused_officer, office),
            accused_name=complaint.accused_officer,
        ),
    )


@receiver(conduct_reported, dispatch_uid="inspection.open_case_for_197")
def open_case_for_197(sender, message, by, **kwargs) -> None:
    """A 197 complaint or criticism about conduct, confirmed by the operator, becomes a case
    in the same transaction; the station concerned never sees the message or the case."""
    officer = message.officer
    services.open_case(
        by=None,
        office=inspection_office(message.unit),
        now=message.received_at,
        report=CaseReport(
            source_kind=Case.Source.LINE_197,
            source_reference=str(message),
            station=message.unit if message.unit.is_station else None,
            summary=message.text,
            complainant_name=message.caller_name,
            complainant_mobile=message.caller_mobile,
            accused_officer=officer,
            accused_name=officer.get_full_name() if officer is not None else "",
        ),
    )
