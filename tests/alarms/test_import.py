"""`kalantar import_subscribers`: every row checked, errors by line in Persian, all or nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from kalantar.alarms import crypto
from kalantar.alarms.models import Account, Subscriber

HEADER = "account,name,kind,lat,lon,phone,supervision_minutes,key\n"


def write(tmp_path, body: str):
    path = tmp_path / "subs.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def test_valid_file_imports_and_routes_to_stations(org_tree, tmp_path):
    path = write(
        tmp_path,
        "1234,طلافروشی رضا,shop,34.85,48.55,081-3820-0000,60,0123456789abcdef\n"
        "AB12,منزل,home,۳۴٫۲۵,۴۸٫۸۵,09121234567,0,\n",
    )
    call_command("import_subscribers", path)
    shop = Subscriber.objects.get(accounts__number="1234")
    assert shop.station.code == "HM01K01" and shop.supervision_minutes == 60
    assert shop.key_encrypted and "0123456789abcdef" not in shop.key_encrypted
    assert crypto.unseal(shop.key_encrypted) == "0123456789abcdef"
    assert Subscriber.objects.get(accounts__number="AB12").station.code == "HM02K01"


def test_any_bad_row_imports_nothing_and_names_every_line(org_tree, tmp_path, capsys):
    path = write(
        tmp_path,
        "1234,خوب,shop,34.85,48.55,08138200000,60,\n"
        "XYZ!,بد,shop,34.85,48.55,08138200000,60,\n"
        "5678,بیرون,shop,10.0,10.0,08138200000,60,\n"
        "1234,تکراری,castle,34.85,48.55,08138200000,60,short\n"
        "9999,عدد,shop,abc,48.55,,60,\n",
    )
    with pytest.raises(CommandError):
        call_command("import_subscribers", path)
    err = capsys.readouterr().err
    for line in ("3", "4", "5", "6"):
        assert f"سطر {line}:" in err
    assert "تکراری" in err  # the account repeated within the file
    assert not Subscriber.objects.exists() and not Account.objects.exists()


def test_missing_columns(org_tree, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("account,name\n1234,x\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_subscribers", str(path))
    err = capsys.readouterr().err
    assert "سطر 1:" in err and "supervision_minutes" in err
