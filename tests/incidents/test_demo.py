"""The demo's incidents: two years with rhythms, persistent hotspots and one recent surge."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from kalantar.analytics import selectors
from kalantar.analytics.models import SurgeAlert
from kalantar.analytics.services import detect_surges
from kalantar.core.jalali import tehran_today
from kalantar.incidents import demo
from kalantar.incidents.models import DailyCount, Incident, PatrolUnit
from kalantar.org.models import Unit


def test_demo_history(org_tree):
    demo.load()
    today = tehran_today()
    days = Incident.objects.values_list("day", flat=True)
    assert min(days) <= today - timedelta(days=700)
    assert Incident.objects.count() > 3000
    # Counts agree with the incidents they count.
    assert sum(DailyCount.objects.values_list("count", flat=True)) == Incident.objects.count()
    # Every station has units, one of them off duty; a unit is out on today's incident.
    assert set(PatrolUnit.objects.values_list("station__code", flat=True)) == {
        "HM01K01",
        "HM01K02",
        "HM02K01",
    }
    assert PatrolUnit.objects.filter(status="dispatched").count() == 1
    assert Incident.objects.open().filter(station__code="HM01K01").count() == 3
    # Evenings are busier than the small hours (Tehran time).
    hours = Counter(
        (o + timedelta(hours=3, minutes=30)).hour
        for o in Incident.objects.values_list("occurred_at", flat=True)
    )
    assert sum(hours[h] for h in (18, 19, 20)) > 3 * sum(hours[h] for h in (3, 4, 5))
    # The recent surge is caught by the nightly test (the analytics demo step runs it).
    detect_surges(day=today - timedelta(days=1))
    alert = SurgeAlert.objects.get()
    assert (alert.station.code, alert.category) == ("HM01K01", "snatching")
    # Loading twice adds nothing.
    before = (PatrolUnit.objects.count(), Incident.objects.count())
    demo.load()
    assert (PatrolUnit.objects.count(), Incident.objects.count()) == before


def test_demo_hotspot_is_significant(org_tree, make_user):
    province = make_user("prov", "province_commander", "HM")
    demo.load()
    end = tehran_today() - timedelta(days=1)
    found = []
    for code in ("HM01K01", "HM01K02", "HM02K01"):
        cells = selectors.hotspots(
            user=province,
            unit=Unit.objects.get(code=code),
            start=end - timedelta(days=365),
            end=end,
            resolution=9,
        )
        found += [c for c in cells if c.significant and c.z > 0]
    assert found
