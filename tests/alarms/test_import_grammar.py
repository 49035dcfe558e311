"""The subscribers CSV reads numbers with the importers' one grammar (core.numbers)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kalantar.alarms.models import Subscriber

HEADER = "account,name,kind,lat,lon,phone,supervision_minutes,key\n"


@pytest.mark.parametrize(
    ("lat", "minutes"), [("3_4.85", "60"), ("3.485e1", "60"), ("nan", "60"), ("34.85", "6_0")]
)
def test_lenient_numbers_are_refused_on_their_line(org_tree, tmp_path, capsys, lat, minutes):
    path = tmp_path / "subs.csv"
    row = f"1234,طلافروشی,shop,{lat},48.55,08138200000,{minutes},\n"
    path.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_subscribers", str(path))
    assert "سطر 2:" in capsys.readouterr().err
    assert not Subscriber.objects.exists()


def test_a_name_longer_than_the_column_is_refused_on_its_line(org_tree, tmp_path, capsys):
    path = tmp_path / "subs.csv"
    row = f"1234,{'ط' * 201},shop,34.85,48.55,08138200000,60,\n"
    path.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_subscribers", str(path))
    assert "سطر 2:" in capsys.readouterr().err
    assert not Subscriber.objects.exists()
