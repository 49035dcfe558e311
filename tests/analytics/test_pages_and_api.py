"""Pages and API of analytics and incidents, as the users of two stations see them."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from kalantar.analytics.models import SurgeAlert
from kalantar.analytics.services import detect_surges
from kalantar.incidents import services as incident_services
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.models import Dispatch, PatrolUnit
from kalantar.org.models import Unit
from tests.conftest import VerifiedClient, control_classes

DAY = date(2025, 3, 5)


def client_for(user) -> Client:
    c = VerifiedClient()  # county and province commanders give the second factor
    c.force_login(user)
    return c


def test_compstat_api_matches_the_raw_counts(history, chief1):
    response = client_for(chief1).get("/api/analytics/compstat?unit=HM01K01&date=2025-03-05")
    assert response.status_code == 200
    data = response.json()
    raw = sum(
        1 for r in history if r.station == "HM01K01" and date(2025, 2, 6) <= r.local_day <= DAY
    )
    assert data["total"]["d28"]["current"] == raw
    assert data["periods"]["week"]["current"] == ["2025-03-01", "2025-03-05"]
    assert {c["category"] for c in data["categories"]} <= {
        "snatching",
        "home-burglary",
        "fraud",
        "assault",
    }


def test_compstat_api_scoping_and_bad_input(history, chief1, chief2):
    c = client_for(chief2)
    assert c.get("/api/analytics/compstat?unit=HM01K01&date=2025-03-05").status_code == 404
    assert c.get("/api/analytics/compstat?unit=HM01&date=2025-03-05").status_code == 404
    bad = c.get("/api/analytics/compstat?unit=HM01K02&date=1403-13-40")
    assert bad.status_code == 400 and "تاریخ" in bad.json()["detail"]


def test_hotspot_api(history, county_user):
    c = client_for(county_user)
    url = "/api/analytics/hotspots?unit=HM01&start=2024-12-01&end=2025-03-05&resolution=8"
    data = c.get(url).json()
    assert data["cells"] and {"h3", "count", "z", "p", "significant"} <= set(data["cells"][0])
    raw = sum(
        1
        for r in history
        if r.station in ("HM01K01", "HM01K02") and date(2024, 12, 1) <= r.local_day <= DAY
    )
    # Only incidents whose cell centre lies outside both jurisdictions can be missing.
    assert 0.9 * raw <= sum(cell["count"] for cell in data["cells"]) <= raw
    one = c.get(url + "&category=fraud").json()
    assert sum(x["count"] for x in one["cells"]) < sum(x["count"] for x in data["cells"])
    assert c.get(url + "&category=dragons").status_code == 400
    assert c.get(url.replace("resolution=8", "resolution=12")).status_code == 400


def test_surges_api_lists_only_visible_alerts(history, chief1, chief2, county_user):
    detect_surges(day=DAY)

    k01 = Unit.objects.get(code="HM01K01")
    SurgeAlert.objects.create(
        station=k01, category="fraud", day=DAY, current=20, baseline_mean=3, z=5.0, p=1e-6
    )
    assert [
        a["station"] for a in client_for(chief1).get("/api/analytics/surges").json()["alerts"]
    ] == ["HM01K01"]
    assert client_for(chief2).get("/api/analytics/surges").json()["alerts"] == []
    assert (
        len(
            client_for(county_user)
            .get("/api/analytics/surges?unit=HM01&date=2025-03-05")
            .json()["alerts"]
        )
        == 1
    )


def test_compstat_page_and_exports(history, chief1):
    c = client_for(chief1)
    page = c.get("/analytics/compstat/?unit=HM01K01&date=1403/12/15")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'dir="rtl"' in html and "هفته جاری" in html and "trend-data" in html
    csv_text = c.get("/analytics/compstat/export.csv?unit=HM01K01&date=1403/12/15").content.decode(
        "utf-8-sig"
    )
    assert "جمع" in csv_text
    xlsx = c.get("/analytics/compstat/export.xlsx?unit=HM01K01&date=1403/12/15")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    total_row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "جمع")
    raw = sum(
        1 for r in history if r.station == "HM01K01" and date(2025, 3, 1) <= r.local_day <= DAY
    )
    assert total_row[1] == raw
    assert c.get("/analytics/compstat/?unit=HM01K02").status_code == 404


def test_morning_page_shows_the_days_incidents_alerts_and_units(history, chief1):
    station = Unit.objects.get(code="HM01K01")
    incident_services.add_patrol_unit(
        by=None, station=station, call_sign="11-1", lon=48.55, lat=34.85
    )
    detect_surges(day=DAY)
    page = client_for(chief1).get("/analytics/morning/?unit=HM01K01&date=1403/12/15")
    assert page.status_code == 200
    html = page.content.decode()
    raw = sum(1 for r in history if r.station == "HM01K01" and r.local_day == DAY)
    assert f'badge text-bg-primary">{_fa(raw)}<' in html
    assert "hotspot-map" in html and "آماده: ۱" in html


def _fa(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_board_dispatches_the_recommended_unit(org_tree, make_user):
    dispatcher = make_user("disp", "dispatcher", "HM01K01")
    station = Unit.objects.get(code="HM01K01")
    unit = incident_services.add_patrol_unit(
        by=None, station=station, call_sign="11-1", lon=48.55, lat=34.85
    )

    incident = incident_services.open_incident(
        by=None,
        report=IncidentReport(
            source="call_110", category="assault", lon=48.56, lat=34.86, occurred_at=timezone.now()
        ),
    )
    c = client_for(dispatcher)
    board = c.get("/incidents/board/").content.decode()
    assert incident.number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in board
    c.post(f"/incidents/{incident.number}/dispatch/", {"unit": unit.pk})
    unit.refresh_from_db()
    assert unit.status == PatrolUnit.Status.DISPATCHED and Dispatch.objects.count() == 1


def test_other_station_cannot_open_or_dispatch(org_tree, make_user):
    other = make_user("disp2", "dispatcher", "HM01K02")
    station = Unit.objects.get(code="HM01K01")
    unit = incident_services.add_patrol_unit(by=None, station=station, call_sign="11-1")

    incident = incident_services.open_incident(
        by=None,
        report=IncidentReport(
            source="call_110", category="assault", lon=48.56, lat=34.86, occurred_at=timezone.now()
        ),
    )
    c = client_for(other)
    assert c.get(f"/incidents/{incident.number}/").status_code == 404
    assert c.post(f"/incidents/{incident.number}/dispatch/", {"unit": unit.pk}).status_code == 404
    assert incident.number not in c.get("/incidents/").content.decode()


@pytest.mark.parametrize(
    "path", ["/analytics/hotspots/", "/analytics/surges/", "/incidents/", "/incidents/new/"]
)
def test_pages_render_for_a_chief(org_tree, chief1, path):
    assert client_for(chief1).get(path).status_code == 200


def test_admin_lists_incidents_and_alerts(history, make_user):
    admin = make_user("root", "sysadmin", "IR")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    c = client_for(admin)
    assert c.get("/admin/incidents/incident/").status_code == 200
    assert c.get("/admin/incidents/patrolunit/").status_code == 200
    assert c.get("/admin/analytics/surgealert/").status_code == 200


def test_the_hotspot_filters_are_small_controls(org_tree, chief1):
    page = client_for(chief1).get("/analytics/hotspots/").content.decode()
    classes = control_classes(page)
    for name in ("unit", "category", "resolution"):
        assert classes[name] == ["form-select", "form-select-sm"], name
    assert classes["start"] == classes["date"] == ["form-control", "form-control-sm"]
