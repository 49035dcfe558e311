"""The rollup behind the public statistics stays equal to the incidents table."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import h3

from kalantar.core.jalali import TEHRAN, jalali_month_start, tehran_today
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.models import Incident
from kalantar.incidents.services import close_incident, open_incident
from kalantar.portal import rollup
from kalantar.portal.models import ClosedIncidentCount

POINT = (48.55, 34.85)


def _open(org_tree, day, category="fraud"):
    at = datetime.combine(day, time(9), tzinfo=TEHRAN)
    return open_incident(
        by=None,
        report=IncidentReport(
            source="patrol",
            category=category,
            lon=POINT[0],
            lat=POINT[1],
            occurred_at=at,
            received_at=at,
        ),
        station=org_tree["HM01K01"],
    )


def _snapshot():
    return sorted(
        ClosedIncidentCount.objects.values_list("station_id", "month", "category", "cell", "count")
    )


def test_closing_an_incident_counts_it_and_a_rebuild_agrees(org_tree):
    day = tehran_today() - timedelta(days=3)
    incidents = [_open(org_tree, day) for _ in range(3)]
    assert ClosedIncidentCount.objects.count() == 0  # open incidents are not counted
    for incident in incidents[:2]:
        close_incident(by=None, incident=incident, outcome="پایان")
    (row,) = ClosedIncidentCount.objects.all()
    assert (row.category, row.count) == ("fraud", 2)
    assert row.month == jalali_month_start(day)
    assert row.cell == h3.latlng_to_cell(POINT[1], POINT[0], 7)
    before = _snapshot()
    rollup.refresh()
    assert _snapshot() == before


def test_a_write_that_bypasses_the_services_is_reported_as_drift(org_tree):
    day = tehran_today() - timedelta(days=2)
    incident = _open(org_tree, day, "assault")
    Incident.objects.filter(pk=incident.pk).update(status="closed")  # not through a service
    assert ClosedIncidentCount.objects.count() == 0
    drift = rollup.verify()
    assert (drift.missing, drift.wrong, drift.extra, drift.fixed) == (1, 0, 0, False)
    assert ClosedIncidentCount.objects.count() == 0  # reported, not fixed
    assert rollup.verify(fix=True).fixed
    assert ClosedIncidentCount.objects.get().category == "assault"
    assert not rollup.verify()


def test_loading_incidents_with_deferred_fields_costs_no_extra_query(
    org_tree, django_assert_num_queries
):
    for _ in range(3):
        _open(org_tree, tehran_today() - timedelta(days=1))
    with django_assert_num_queries(1):
        assert len(list(Incident.objects.only("pk", "category"))) == 3
