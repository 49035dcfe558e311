"""The demo register: every status, sites in several stations, guards on duty, and a
revoked guard taken off the roster with the station told."""

from __future__ import annotations

from kalantar.security_firms import demo
from kalantar.security_firms.models import (
    Assessment,
    ContractSite,
    Guard,
    RosterAssignment,
    RosterNotice,
)


def test_the_demo_register_has_every_status_and_a_revocation(org_tree):
    demo.load()
    statuses = set(Guard.objects.values_list("status", flat=True))
    assert statuses == set(Guard.Status.values)
    stations = set(ContractSite.objects.values_list("station__code", flat=True))
    assert len(stations) >= 2
    assert RosterAssignment.objects.on_roster().exists()
    revoked = Guard.objects.get(status="revoked")
    assert not RosterAssignment.objects.on_roster().filter(guard=revoked).exists()
    assert RosterNotice.objects.filter(guard=revoked).exists()
    assert all(g.photo for g in Guard.objects.exclude(status__in=["applicant", "rejected"]))
    weak = Assessment.objects.get(decision="conditional")
    assert weak.score is not None and weak.institution.sanctions.filter(kind="warning").exists()
    count = Guard.objects.count()
    demo.load()  # a second run adds nothing
    assert Guard.objects.count() == count
