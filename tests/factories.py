"""Factories for the records tests need, built through the owning app's service, so a
test's data is audited, routed and numbered exactly as a user's would be."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from kalantar.complaints import services as complaint_services
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.incidents import services as incident_services
from kalantar.incidents.drafts import IncidentReport

# Points inside the test tree's stations (tests/conftest.py: org_tree).
INSIDE_K01 = {"lon": 48.55, "lat": 34.85}
INSIDE_K02 = {"lon": 48.65, "lat": 34.85}
INSIDE_HM02 = {"lon": 48.85, "lat": 34.25}
VALID_NATIONAL_CODE = "0499370899"


class ComplaintDraftFactory(factory.Factory):
    """A complete, valid complaint as a citizen would write it, inside station HM01K01."""

    class Meta:
        model = ComplaintDraft

    category = factory.LazyFunction(lambda: Category.objects.get(code="home-burglary"))
    incident_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=3))
    summary = "سرقت از منزل"
    narrative = "دیشب در غیاب ما درب منزل را شکسته و طلاها را برده‌اند."
    complainant_name = "علی رضایی"
    national_code = VALID_NATIONAL_CODE
    mobile = "09121234567"
    lon = INSIDE_K01["lon"]
    lat = INSIDE_K01["lat"]


class IncidentFactory(factory.Factory):
    """An incident opened through the incidents service, an hour ago inside HM01K01."""

    class Meta:
        model = dict  # built by the service below, never by the model's constructor

    by = None
    source = "call_110"
    category = "snatching"
    lon = INSIDE_K01["lon"]
    lat = INSIDE_K01["lat"]
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # What the service takes beside the report; every other field is the report's.
        beside = {k: kwargs.pop(k) for k in ("by", "station", "complaint") if k in kwargs}
        return incident_services.open_incident(report=IncidentReport(**kwargs), **beside)


def file_complaint(*, by=None, channel: str = "online", attachments=(), now=None, **fields):
    """File a complaint from a factory draft; keyword arguments override the draft's fields."""
    return complaint_services.file_complaint(
        by=by,
        channel=channel,
        draft=ComplaintDraftFactory(**fields),
        attachments=attachments,
        now=now,
    )
