"""Training compliance as a programme indicator: per officer and plan line, from the same
plan the chief's overdue-training card reads, "not enough data" without plan lines, and
its lines listed only to those who may read the officers' records."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from kalantar.core import periods
from kalantar.people import services as people_services
from kalantar.people.models import Course
from kalantar.transformation import indicators, services
from kalantar.transformation.models import IndicatorSnapshot

pytestmark = pytest.mark.django_db

MONTH = periods.parse_month("1405-08")  # 23 Oct – 21 Nov 2026
CODE = "training_compliance"


def _officer(make_user, username: str, number: str, unit: str = "HM01K01"):
    officer = make_user(username, "desk_officer", unit)
    officer.first_name, officer.last_name = "مأمور", username
    officer.save()
    people_services.set_officer_profile(
        by=None, officer=officer, personnel_number=number, rank="sergeant"
    )
    return officer


@pytest.fixture
def plan(make_user, org_tree):
    """Two desk officers of HM01K01 under the county's plan (conduct, due in the month) and
    the station's own (first aid, due after it); one holds the conduct course."""
    trained = _officer(make_user, "trained", "6001")
    untrained = _officer(make_user, "untrained", "6002")
    _officer(make_user, "elsewhere", "6003", unit="HM02K01")  # no plan line applies
    conduct = Course.objects.create(code="conduct", name="رفتار حرفه‌ای", valid_months=12)
    first_aid = Course.objects.create(code="aid", name="کمک‌های اولیه", valid_months=0)
    people_services.plan_training(
        by=None,
        unit=org_tree["HM01"],
        role="desk_officer",
        course=conduct,
        due_on=date(2026, 11, 1),
    )
    people_services.plan_training(
        by=None, unit=org_tree["HM01K01"], role="desk_officer", course=first_aid,
        due_on=date(2026, 12, 15),
    )  # fmt: skip
    people_services.record_certificate(
        by=None, officer=trained, course=conduct, completed_on=date(2026, 6, 1)
    )
    return {"trained": trained, "untrained": untrained, "conduct": conduct}


def test_compliance_counts_the_lines_due_in_the_month(plan, org_tree):
    indicator = indicators.get(CODE)
    k01, k02, m01 = (org_tree[c].pk for c in ("HM01K01", "HM01K02", "HM02K01"))
    figures = indicator.per_station(MONTH)
    assert figures == {k01: (1.0, 2, 50.0)}  # one of two conduct lines held; first aid not due
    assert indicator.for_station(MONTH, k01) == (1.0, 2, 50.0)
    assert indicator.for_station(MONTH, m01) == (None, 0, None)  # no plan: not enough data
    services.compute_indicators(MONTH)
    stored = {s.station_id: s for s in IndicatorSnapshot.objects.filter(code=CODE)}
    assert stored[k01].value == 50.0 and stored[k02].value is None and stored[m01].value is None


def test_a_certificate_expired_before_the_month_ends_is_not_held(plan, org_tree):
    people_services.record_certificate(
        by=None, officer=plan["untrained"], course=plan["conduct"], completed_on=date(2025, 9, 1)
    )  # valid 12 months: expired in September 2026
    assert indicators.get(CODE).per_station(MONTH)[org_tree["HM01K01"].pk][2] == 50.0


def test_the_figure_lists_the_lines_to_the_chief_only(plan, client, chief1, chief2):
    services.compute_indicators(MONTH)
    url = reverse("transformation:figure", args=[CODE, "HM01K01", "1405-08"])
    client.force_login(chief1)
    client.cookies["kalantar_language"] = "fa"
    html = client.get(url).content.decode()
    assert "رعایت برنامهٔ آموزش" in html and "رفتار حرفه‌ای" in html
    assert "untrained" in html and "trained" in html and "کمک‌های اولیه" not in html
    client.force_login(chief2)
    assert client.get(url).status_code == 404


def test_the_draft_proves_training_with_it(year):
    codes = [
        code
        for area in year.areas.all()
        for q in area.questions.all()
        for c in q.characteristics.all()
        for code in c.indicators
    ]
    assert CODE in codes
