"""Daily counts: a key lowered to zero leaves the table, and only that key is touched."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction

from kalantar.incidents.counts import apply_deltas
from kalantar.incidents.models import DailyCount, UnitDailyCount
from kalantar.org.models import Unit

pytestmark = pytest.mark.django_db

START = date(2025, 3, 1)


def _stored() -> dict:
    return {(s, c, d): n for s, c, d, n in DailyCount.objects.values_list(
        "station_id", "category", "day", "count")}  # fmt: skip


@pytest.mark.parametrize("days", [3, 80], ids=["few keys", "many keys"])
def test_a_count_lowered_to_zero_is_removed_and_others_stay(org_tree, days):
    station = Unit.objects.get(code="HM01K01").pk
    keys = [(station, "fraud", START + timedelta(days=i)) for i in range(days)]
    with transaction.atomic():
        apply_deltas(dict.fromkeys(keys, 2))
    with transaction.atomic():
        apply_deltas({k: -2 if i % 2 == 0 else -1 for i, k in enumerate(keys)})
    assert _stored() == {k: 1 for i, k in enumerate(keys) if i % 2 == 1}
    # The command sums follow: nothing at zero is left above the station either.
    assert not UnitDailyCount.objects.filter(count__lte=0).exists()
    assert sum(
        UnitDailyCount.objects.filter(unit__code="HM01").values_list("count", flat=True)
    ) == (days // 2)


def test_a_zero_row_of_another_key_is_not_the_changes_business(org_tree):
    """Only keys this change lowered are cleaned: the delete does not scan the history."""
    station = Unit.objects.get(code="HM01K01").pk
    DailyCount.objects.create(station_id=station, category="theft", day=START, count=0)
    with transaction.atomic():
        apply_deltas({(station, "fraud", START): 1})
    with transaction.atomic():
        apply_deltas({(station, "fraud", START): -1})
    assert _stored() == {(station, "theft", START): 0}
