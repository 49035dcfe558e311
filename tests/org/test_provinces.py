"""The province column of the large tables: filled on every write and, for rows stored
before it existed, by the migrations, so partitioning by province moves no data."""

from __future__ import annotations

from django.apps import apps

from kalantar.complaints.models import Complaint
from kalantar.incidents.models import Incident
from kalantar.org.provinces import fill_provinces
from kalantar.org.selectors import province_ids, province_of


def test_every_unit_below_a_province_belongs_to_it_and_the_nation_to_none(org_tree):
    province = org_tree["HM"].pk
    for code in ("HM", "HM01", "HM01K01", "HM02K01", "HMINS"):
        assert province_of(org_tree[code]) == province
    assert province_of(org_tree["IR"]) is None
    by_id = province_ids(u.pk for u in org_tree.values())
    assert by_id == {u.pk: (None if code == "IR" else province) for code, u in org_tree.items()}


def test_complaints_and_incidents_are_written_with_their_province(org_tree, file, incident_at):
    complaint = file()
    incident = incident_at()
    province = org_tree["HM"].pk
    assert Complaint.objects.get(pk=complaint.pk).province_id == province
    assert Incident.objects.get(pk=incident.pk).province_id == province


def test_the_migration_fills_the_province_of_rows_stored_before_it(org_tree, file, incident_at):
    file(), incident_at()
    Complaint.objects.update(province=None)
    Incident.objects.update(province=None)
    fill_provinces("complaints", "complaint", "unit")(apps, None)
    fill_provinces("incidents", "incident", "station")(apps, None)
    province = org_tree["HM"].pk
    assert set(Complaint.objects.values_list("province_id", flat=True)) == {province}
    assert set(Incident.objects.values_list("province_id", flat=True)) == {province}
