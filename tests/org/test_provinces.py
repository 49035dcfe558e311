"""The province column of the large tables: filled on every write and, for rows stored
before it existed, by the migrations, so partitioning by province moves no data."""

from __future__ import annotations

from datetime import date, timedelta

from django.apps import apps

from kalantar.complaints.models import Complaint
from kalantar.core import audit
from kalantar.core.models import AuditEntry
from kalantar.incidents.importer import import_text
from kalantar.incidents.models import DailyCount, Incident, UnitDailyCount
from kalantar.incidents.services import verify_counts
from kalantar.org.provinces import fill_provinces
from kalantar.org.selectors import province_ids, province_of
from kalantar.portal import rollup
from kalantar.portal.models import ClosedIncidentCount


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


def _count_provinces(org_tree) -> tuple[set, dict]:
    stations = set(DailyCount.objects.values_list("province_id", flat=True))
    commands = {
        code: set(
            UnitDailyCount.objects.filter(unit__code=code).values_list("province_id", flat=True)
        )
        for code in ("IR", "HM", "HM01")
    }
    return stations, commands


def test_daily_counts_carry_the_province_and_keep_it_when_rebuilt(org_tree):
    # Sixty days: more keys than PostgreSQL's per-row path takes, so the bulk path runs too.
    first = date(2025, 3, 1)
    rows = "".join(
        f"{first + timedelta(days=n)}T09:00:00+03:30,fraud,34.85,48.55,,X{n}\n" for n in range(60)
    )
    import_text("occurred_at,category,lat,lon,source,external_id\n" + rows)
    province = org_tree["HM"].pk
    expected = ({province}, {"IR": {None}, "HM": {province}, "HM01": {province}})
    assert _count_provinces(org_tree) == expected

    DailyCount.objects.update(count=0)  # drift, which the check repairs by rebuilding
    verify_counts(fix=True)
    assert DailyCount.objects.filter(count=0).count() == 0
    assert _count_provinces(org_tree) == expected


def test_audit_entries_about_a_provinces_records_carry_it_and_the_chain_holds(org_tree, file):
    complaint = file()
    about_complaint = AuditEntry.objects.get(action="complaints.file")
    assert about_complaint.province_id == org_tree["HM"].pk
    # Entries about what belongs to no province (the organisation itself) stay central.
    assert set(
        AuditEntry.objects.filter(object_type="org.unit").values_list("province_id", flat=True)
    ) == {None}
    assert audit.verify_chain() == (AuditEntry.objects.count(), None)
    assert complaint.province_id == about_complaint.province_id


def test_public_rollup_rows_carry_the_province_written_rebuilt_and_migrated(org_tree):
    first = date(2025, 3, 1)
    rows = "".join(
        f"{first + timedelta(days=n)}T09:00:00+03:30,fraud,34.85,48.55,,R{n}\n" for n in range(40)
    )
    import_text("occurred_at,category,lat,lon,source,external_id\n" + rows)  # closed ones
    province = org_tree["HM"].pk
    counted = ClosedIncidentCount.objects
    assert counted.exists() and set(counted.values_list("province_id", flat=True)) == {province}

    rollup.refresh()  # rebuilt from the incidents
    assert set(counted.values_list("province_id", flat=True)) == {province}

    counted.update(province=None)  # as stored before the column
    fill_provinces("portal", "closedincidentcount", "station")(apps, None)
    assert set(counted.values_list("province_id", flat=True)) == {province}
