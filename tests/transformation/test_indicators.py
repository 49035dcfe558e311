"""The live indicators: computed for every station at once, equal to each station's own
figure, "not enough data" without inputs, and the records behind a figure in scope."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kalantar.core import periods
from kalantar.core.jalali import TEHRAN
from kalantar.feedback.models import FeedbackMessage, SurveyAnswer
from kalantar.transformation import indicators, services
from kalantar.transformation.models import IndicatorRollup, IndicatorSnapshot, ProgrammeYear

pytestmark = pytest.mark.django_db

MONTH = periods.parse_month("1405-08")  # Aban 1405: 23 Oct – 21 Nov 2026
IN_MONTH = datetime(2026, 11, 1, 10, tzinfo=TEHRAN)


def test_months_jalali_and_gregorian():
    assert (MONTH.start.isoformat(), MONTH.end.isoformat()) == ("2026-10-23", "2026-11-22")
    assert periods.parse_month("۱۴۰۵/۰۸") == MONTH
    november = periods.parse_month("2026-11")
    assert (november.start.isoformat(), november.end.isoformat()) == ("2026-11-01", "2026-12-01")
    with pytest.raises(ValueError):
        periods.parse_month("1405-13")


def _complaints(file, org_tree):
    before = IN_MONTH - timedelta(hours=2)
    desk = file(channel="desk", now=IN_MONTH, incident_at=before, lon=48.55, lat=34.85)
    phoned = file(
        channel="phone110", now=IN_MONTH, incident_at=before, mobile="", lon=48.55, lat=34.85
    )
    return desk, phoned


def test_missing_inputs_give_no_figure_never_zero(org_tree, file):
    _complaints(file, org_tree)
    services.compute_indicators(MONTH)
    k1, k2 = org_tree["HM01K01"], org_tree["HM01K02"]
    receipts = {s.station_id: s for s in IndicatorSnapshot.objects.filter(code="receipts_issued")}
    assert receipts[k1.pk].value == 50.0 and receipts[k1.pk].denominator == 2
    assert receipts[k2.pk].value is None and receipts[k2.pk].denominator == 0


def test_set_based_figures_equal_each_stations_own(org_tree, file):
    _complaints(file, org_tree)
    file(
        channel="online",
        now=IN_MONTH,
        incident_at=IN_MONTH - timedelta(hours=1),
        lon=48.65,
        lat=34.85,
    )  # HM01K02
    station_ids = [org_tree[c].pk for c in ("HM01K01", "HM01K02", "HM02K01")]
    for indicator in indicators.all_indicators():
        together = indicator.per_station(MONTH)
        for station_id in station_ids:
            _num, den, value = indicator.for_station(MONTH, station_id)
            assert together.get(station_id, (None, 0, None))[1:] == (den, value), indicator.code


def test_command_accepts_a_jalali_month(org_tree, file, capsys):
    _complaints(file, org_tree)
    call_command("compute_indicators", "--month", "1405-08")
    assert "1405-08" in capsys.readouterr().out
    stations = 3
    assert IndicatorSnapshot.objects.count() == stations * len(indicators.all_indicators())
    call_command("compute_indicators", "--month", "1405-08")  # again: replaced, not doubled
    assert IndicatorSnapshot.objects.count() == stations * len(indicators.all_indicators())


def test_station_page_says_not_enough_data(client, org_tree, chief2, file):
    ProgrammeYear.objects.create(year=1405, title="t")
    services.create_year(by=None, year=1406, title="طرح")
    _complaints(file, org_tree)
    services.compute_indicators(MONTH)
    client.force_login(chief2)
    html = client.get(reverse("transformation:station", args=["HM01K02"])).content.decode()
    assert "دادهٔ کافی نیست" in html
    assert "۰٪" not in html


def test_figure_opens_its_records_within_scope(client, org_tree, chief1, chief2, file):
    desk, phoned = _complaints(file, org_tree)
    services.compute_indicators(MONTH)
    url = reverse("transformation:figure", args=["receipts_issued", "HM01K01", "1405-08"])
    client.force_login(chief1)
    html = client.get(url).content.decode()
    assert desk.summary in html and phoned.summary in html
    client.force_login(chief2)
    assert client.get(url).status_code == 404


def test_registry_takes_new_indicators():
    extra = indicators.Indicator(
        "test_extra", "x", "y", indicators.BUILT_IN[0].base, "unit_id", hit=None, mean=None
    )
    indicators.register(extra)
    try:
        assert indicators.get("test_extra") is extra
    finally:
        indicators._REGISTRY.pop("test_extra")


def test_commands_averages_are_stored_with_the_snapshots(client, org_tree, province_user, file):
    _complaints(file, org_tree)
    services.compute_indicators(MONTH)
    province = IndicatorRollup.objects.get(unit=org_tree["HM"], code="receipts_issued")
    assert (province.average, province.stations) == (50.0, 1)  # HM01K02 had no complaints
    nation = IndicatorRollup.objects.get(unit=org_tree["IR"], code="receipts_issued")
    assert nation.average == 50.0
    other = IndicatorRollup.objects.get(unit=org_tree["HM02"], code="receipts_issued")
    assert (other.average, other.stations) == (None, 0)
    ProgrammeYear.objects.create(year=1405, title="طرح")
    client.force_login(province_user)
    html = client.get(reverse("transformation:unit", args=["HM"])).content.decode()
    assert "آبان ۱۴۰۵" in html and "۵۰٫۰٪" in html


def test_the_197_line_and_the_surveys_give_their_figures(client, org_tree, chief1):
    """Appreciation share leaves conduct reports out (they belong to inspection); the
    survey's averages open the anonymous answers behind them."""
    k01 = org_tree["HM01K01"]
    for msg_class, conduct in (("appreciation", False), ("suggestion", False), ("complaint", True)):
        FeedbackMessage.objects.create(
            received_at=IN_MONTH, channel="phone", unit=k01, text="…", msg_class=msg_class,
            is_conduct=conduct,
        )  # fmt: skip
    for whole in (4, 5):
        SurveyAnswer.objects.create(
            unit=k01, source="complaint", answered_on=IN_MONTH.date(), ease_of_contact=3,
            actions_taken=3, kept_informed=2, treatment=4, whole_experience=whole,
            safety="fairly_safe",
        )  # fmt: skip
    share = indicators.get("appreciation_share").per_station(MONTH)
    assert share[k01.pk][1:] == (2, 50.0)
    assert indicators.get("survey_whole_experience").per_station(MONTH)[k01.pk][2] == 4.5
    assert indicators.get("survey_kept_informed").per_station(MONTH)[k01.pk][2] == 2.0
    assert indicators.get("reconciliation_rate").per_station(MONTH) == {}  # none closed
    services.compute_indicators(MONTH)
    client.force_login(chief1)
    url = reverse("transformation:figure", args=["survey_whole_experience", "HM01K01", "1405-08"])
    html = client.get(url).content.decode()
    assert html.count("پاسخ نظرسنجی") == 2


def _trends(html: str) -> str:
    return html[html.index('id="trends"') : html.index("</table>", html.index('id="trends"'))]


def _national_page(client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("transformation:unit", args=["HM"])).content.decode()
    return html, len(queries)


def test_progress_page_is_kept_until_the_next_computation(client, org_tree, province_user, file):
    """The page's figures come from the cache on a second visit, and a new computation (or
    a new enrolment) shows at once."""
    year = ProgrammeYear.objects.create(year=1405, title="طرح")
    _complaints(file, org_tree)
    services.compute_indicators(MONTH)
    client.force_login(province_user)
    first, first_queries = _national_page(client)
    again, again_queries = _national_page(client)
    assert "۵۰٫۰٪" in first and _trends(again) == _trends(first) and again_queries < first_queries
    file(channel="online", now=IN_MONTH, incident_at=IN_MONTH, lon=48.55, lat=34.85)  # HM01K01
    services.compute_indicators(MONTH)
    recomputed, _n = _national_page(client)
    assert "۶۶٫۷٪" in recomputed and "۵۰٫۰٪" not in recomputed  # 2 receipts of 3
    wave = services.open_wave(by=None, year=year, starts_on=IN_MONTH.date())
    services.enrol(by=None, wave=wave, stations=[org_tree["HM01K01"]])
    enrolled, _n = _national_page(client)
    assert "۱ کلانتری از ۳" in enrolled
