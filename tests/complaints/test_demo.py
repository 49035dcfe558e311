"""The demo's complaints: varied enough for the queue and dashboard to look alive, and true to
the workflow."""

from __future__ import annotations

import itertools

from django.utils import timezone

from kalantar.complaints import demo, selectors, services, workflow
from kalantar.complaints.codes import is_valid_tracking_code
from kalantar.complaints.models import Complaint
from kalantar.core.validators import is_valid_national_code


def test_the_demo_fills_queues_with_varied_complaints_that_follow_the_workflow(make_user):
    desk = make_user("desk", "desk_officer", "HM01K01")
    make_user("chief", "station_chief", "HM01K01")
    demo.load(n=150)
    complaints = list(Complaint.objects.select_related("category", "unit"))
    assert len(complaints) == 151
    assert {c.unit.code for c in complaints} >= {"HM01K01", "HM01K02", "HM02K01", "HMINS"}
    assert len({c.status for c in complaints}) >= 5
    assert len({c.channel for c in complaints}) == len(Complaint.Channel.values)
    assert len({c.category.code for c in complaints}) >= 10
    assert Complaint.objects.overdue().exists()
    assert Complaint.objects.filter(status=workflow.CLOSED, satisfaction__isnull=False).exists()
    for c in complaints:
        assert is_valid_tracking_code(c.tracking_code)
        assert c.is_anonymous or is_valid_national_code(c.national_code)
        assert c.filed_at <= timezone.now()
        steps = list(c.events.exclude(to_status="").order_by("at", "id"))
        assert steps[0].to_status == workflow.REGISTERED
        for before, after in itertools.pairwise(steps):
            assert workflow.can_move(before.to_status, after.to_status)
            assert before.at <= after.at
        assert steps[-1].to_status == c.status
    # The one conduct complaint went to inspection, out of the station's sight.
    conduct = Complaint.objects.get(category__code="officer-conduct")
    assert conduct.unit.code == "HMINS"
    assert not selectors.complaints_for(desk).filter(pk=conduct.pk).exists()


def test_loading_twice_adds_nothing_and_the_scheduler_escalates_the_overdue(make_user):
    make_user("chief", "station_chief", "HM01K01")
    demo.load(n=80)
    demo.load(n=80)
    assert Complaint.objects.count() == 81
    overdue = Complaint.objects.overdue().count()
    to_chief, _to_county = services.escalate_overdue()
    assert to_chief == overdue > 0
