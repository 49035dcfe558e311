"""The incidents CSV refuses what it cannot read exactly, by line, and imports nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from kalantar.incidents.importer import ImportRefused, import_text
from kalantar.incidents.models import Incident

HEADER = "occurred_at,category,lat,lon\n"
GOOD_ROW = "2025-03-02T08:00:00+03:30,snatching,34.85,48.55\n"


def _refused(text: str) -> list[str]:
    with translation.override("fa"), pytest.raises(ImportRefused) as refused:
        import_text(text)
    assert Incident.objects.count() == 0
    return refused.value.errors


@pytest.mark.parametrize("lat", ["3_4.85", "3.485e1", "nan", "inf", "۳۴_۸۵"])
def test_lenient_numbers_are_refused_on_their_line(org_tree, lat):
    errors = _refused(HEADER + GOOD_ROW + f"2025-03-02T09:00:00+03:30,snatching,{lat},48.55\n")
    assert len(errors) == 1 and "۳" in errors[0] and "عرض" in errors[0]


def test_a_persian_decimal_point_is_read(org_tree):
    import_text(HEADER + "2025-03-02T08:00:00+03:30,snatching,۳۴٫۸۵,۴۸٫۵۵\n")
    assert Incident.objects.get().lat == 34.85


@pytest.mark.parametrize(
    "when",
    ["0001-01-01T00:00:00+03:30", "0001-01-01T02:00:00+03:30", "0001-01-01T00:00:00+00:00"],
)
def test_a_time_at_the_start_of_the_calendar_is_a_message(org_tree, when):
    errors = _refused(HEADER + GOOD_ROW + f"{when},snatching,34.85,48.55\n")
    assert len(errors) == 1 and "۳" in errors[0] and "۱۹۰۰" in errors[0]
