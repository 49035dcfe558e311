from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import h3
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kalantar.analytics import apps, selectors
from kalantar.analytics.models import SurgeAlert
from kalantar.analytics.services import detect_surges
from kalantar.analytics.surges import test_window
from kalantar.core.audit import AuditEntry
from kalantar.core.extensions import periodic_jobs
from kalantar.incidents.importer import import_text
from kalantar.org.models import Unit
from kalantar.org.selectors import UnitNotVisible

from .conftest import STATION_BOXES

START, END = date(2024, 12, 1), date(2025, 3, 5)


def _inside(cell: str, codes) -> bool:
    lat, lon = h3.cell_to_latlng(cell)
    return any(
        lon0 < lon < lon0 + 0.1 and lat0 < lat < lat0 + 0.1
        for code, (lon0, lat0) in STATION_BOXES.items()
        if code in codes
    )


def test_hotspot_counts_cover_the_study_area_with_zeros(history, county_user):
    unit = Unit.objects.get(code="HM01")
    cells = selectors.hotspots(user=county_user, unit=unit, start=START, end=END, resolution=8)
    # The study area, found independently: cells around the county whose centre is inside.
    centre = h3.latlng_to_cell(34.85, 48.6, 8)
    candidates = h3.grid_disk(centre, 20)
    expected_area = {c for c in candidates if _inside(c, {"HM01K01", "HM01K02"})}
    assert {c.h3 for c in cells} == expected_area
    assert any(c.count == 0 for c in cells)
    raw: dict[str, int] = {}
    for r in history:
        if r.station in ("HM01K01", "HM01K02") and START <= r.local_day <= END:
            # Incidents are indexed at resolution 9; coarser cells are their H3 parents.
            cell = h3.cell_to_parent(h3.latlng_to_cell(r.lat, r.lon, 9), 8)
            raw[cell] = raw.get(cell, 0) + 1
    for c in cells:
        assert c.count == raw.get(c.h3, 0)
        assert 0.0 <= c.p <= 1.0


def test_a_planted_hotspot_is_significant(org_tree, county_user):
    base = datetime(2025, 2, 1, 8, tzinfo=UTC)
    lines = ["occurred_at,category,lat,lon"]
    for i in range(60):  # 60 incidents at one corner
        lines.append(
            f"{(base + timedelta(hours=i)).isoformat()},snatching,34.81{i % 3},48.51{i % 4}"
        )
    for i in range(30):  # a thin scatter elsewhere
        lat, lon = 34.82 + (i % 6) * 0.012, 48.53 + (i // 6) * 0.012
        lines.append(f"{(base + timedelta(hours=i)).isoformat()},fraud,{lat:.4f},{lon:.4f}")
    import_text("\n".join(lines) + "\n")
    unit = Unit.objects.get(code="HM01K01")
    cells = selectors.hotspots(
        user=county_user, unit=unit, start=date(2025, 1, 1), end=date(2025, 3, 1)
    )
    hot = [c for c in cells if c.significant]
    planted = h3.latlng_to_cell(34.811, 48.511, 8)
    assert planted in {c.h3 for c in hot}
    assert all(c.z > 0 for c in hot)
    only_fraud = selectors.hotspots(
        user=county_user,
        unit=unit,
        start=date(2025, 1, 1),
        end=date(2025, 3, 1),
        categories=["fraud"],
    )
    assert sum(c.count for c in only_fraud) == 30


def test_hotspots_are_scoped(history, chief1):
    with pytest.raises(UnitNotVisible):
        selectors.hotspots(user=chief1, unit=Unit.objects.get(code="HM01K02"), start=START, end=END)


def test_surge_window_test():
    assert test_window(20, [3] * 12).is_surge
    assert not test_window(4, [3] * 12).is_surge
    assert not test_window(30, [28, 30, 31, 29, 27, 30, 32, 28, 29, 30, 31, 30]).is_surge
    assert not test_window(4, [0] * 12).is_surge  # too few events to call a surge


def _rows(category, station, days, per_day_pattern):
    lon0, lat0 = STATION_BOXES[station]
    out = []
    for i, d in enumerate(days):
        for k in range(per_day_pattern(i, d)):
            at = datetime(d.year, d.month, d.day, 6, 10 * k, tzinfo=UTC)
            out.append(
                f"{at.isoformat()},{category},{lat0 + 0.05:.4f},{lon0 + 0.01 * (k % 9) + 0.005:.4f}"
            )
    return out


def test_detect_surges_opens_one_alert_for_the_rising_category_only(org_tree, chief1, chief2):
    day = date(2025, 3, 5)
    days = [day - timedelta(days=n) for n in range(28 * 13 - 1, -1, -1)]
    recent = day - timedelta(days=27)
    lines = ["occurred_at,category,lat,lon"]
    # Snatching at K01: one every ninth day, then two a day over the last 28 days.
    lines += _rows("snatching", "HM01K01", days, lambda i, d: 2 if d >= recent else int(i % 9 == 0))
    # Fraud at K02: a steady one a day throughout.
    lines += _rows("fraud", "HM01K02", days, lambda i, d: 1)
    import_text("\n".join(lines) + "\n")
    result = detect_surges(day=day)
    assert [(a.station.code, a.category) for a in result.created] == [("HM01K01", "snatching")]
    alert = result.created[0]
    assert alert.current == 56
    expected_baseline = sum(1 for i, d in enumerate(days) if d < recent and i % 9 == 0) / 12
    assert alert.baseline_mean == pytest.approx(expected_baseline)
    # Running again the same night adds nothing.
    assert detect_surges(day=day).created == []
    assert SurgeAlert.objects.count() == 1
    assert list(SurgeAlert.objects.visible_to(chief2)) == []
    assert list(SurgeAlert.objects.visible_to(chief1)) == [alert]


def test_detect_surges_command(org_tree, capsys):
    call_command("detect_surges", "--date", "2025-03-05")
    assert "2025-03-05" in capsys.readouterr().out

    with pytest.raises(CommandError):
        call_command("detect_surges", "--date", "1403/12/15")


def test_nightly_job_runs_once_per_day(org_tree):
    job = next(j for j in periodic_jobs() if j.name == "detect_surges")

    apps._last_day.clear()
    assert "surge detection" in job.run()
    assert job.run() is None  # the same night again: nothing to do
    assert AuditEntry.objects.filter(action="analytics.detect_surges").count() == 1
