"""import_guards and import_institutions: every bad row reported, nothing stored until the
file is clean; a second run updates instead of duplicating."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook

from kalantar.security_firms.models import Guard, Institution

from .conftest import CODES

pytestmark = pytest.mark.django_db

GUARD_HEADER = (
    "national_code,first_name,last_name,birth_date,institution,activities,"
    "licence_number,licence_issued,licence_expires\n"
)


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _good_rows() -> str:
    return (
        f"{CODES[1]},علی,رضایی,1369/02/11,HM-100,guarding,G040000001,1403/01/01,1405/01/01\n"
        f'۰۴۹۹۳۷۰۸۹۹,مريم,احمدی,1990-05-01,HM-100,"guarding،escort",,,\n'
    )


def test_a_clean_file_imports_and_a_second_run_updates(tmp_path, institution, capsys):
    path = _write(tmp_path, "g.csv", GUARD_HEADER + _good_rows())
    call_command("import_guards", path, "--quiet")
    assert Guard.objects.count() == 2
    licensed = Guard.objects.get(national_code=CODES[1])
    assert licensed.status == "active" and licensed.licence_number == "G040000001"
    applicant = Guard.objects.get(national_code="0499370899")
    assert applicant.first_name == "مریم"  # Arabic yeh folded
    assert applicant.activities == ["guarding", "escort"]
    call_command("import_guards", path.replace("g.csv", "g.csv"), "--quiet")
    assert Guard.objects.count() == 2
    assert "۰ مورد تازه و ۲ مورد به‌روز" in capsys.readouterr().out


def test_bad_rows_are_all_reported_and_nothing_is_stored(tmp_path, institution, capsys):
    bad = (
        "0084575949,حسن,کریمی,1369/02/11,HM-100,guarding,,,\n"  # check digit wrong
        f"{CODES[3]},حسن,کریمی,1400/01/01,HM-100,guarding,,,\n"  # under 18
        f"{CODES[4]},حسن,کریمی,1369/02/11,NO-SUCH,guarding,,,\n"  # unknown institution
        f"{CODES[1]},تکرار,تکرار,1369/02/11,HM-100,guarding,,,\n"  # duplicate in file
    )
    path = _write(tmp_path, "g.csv", GUARD_HEADER + _good_rows() + bad)
    with pytest.raises(SystemExit):
        call_command("import_guards", path, "--quiet")
    err = capsys.readouterr().err
    assert "سطر ۴: کد ملی «0084575949» درست نیست." in err
    assert "سطر ۵: نگهبان کمتر از ۱۸ سال دارد." in err
    assert "سطر ۶: هیچ مؤسسه‌ای پروانهٔ «NO-SUCH» را ندارد." in err
    assert "سطر ۷: کد ملی «0084575948» پیش‌تر در سطر ۲ آمده است." in err
    assert "هیچ نگهبان یا مؤسسه‌ای ذخیره نشد: ۴ خطا." in err
    assert not Guard.objects.exists()


def test_errors_are_in_english_for_an_english_user(tmp_path, institution, capsys):
    path = _write(tmp_path, "g.csv", GUARD_HEADER + "123,a,b,x,HM-100,guarding,,,\n")
    with translation.override("en"), pytest.raises(SystemExit):
        call_command("import_guards", path, "--quiet")
    err = capsys.readouterr().err
    assert "Line 2: the national code “123” is not valid." in err
    assert not Guard.objects.exists()


def test_an_xlsx_file_imports(tmp_path, institution):
    book = Workbook()
    sheet = book.active
    sheet.append(GUARD_HEADER.strip().split(","))
    sheet.append([CODES[1], "علی", "رضایی", "1990-05-01", "HM-100", "guarding", "", "", ""])
    path = tmp_path / "g.xlsx"
    book.save(path)
    call_command("import_guards", str(path), "--quiet")
    assert Guard.objects.get().last_name == "رضایی"


def test_institutions_import_idempotently(tmp_path, org_tree):
    text = (
        "licence_number,name,province,licence_issued,licence_expires,activities\n"
        "HM-200,موسسه الوند,HM,1402/01/01,1406/01/01,guarding\n"
        'HM-201,موسسه سینا,HM,2024-01-01,2027-01-01,"guarding,escort"\n'
    )
    path = _write(tmp_path, "i.csv", text)
    call_command("import_institutions", path, "--quiet")
    call_command("import_institutions", path, "--quiet")
    assert Institution.objects.count() == 2
    bad = _write(tmp_path, "bad.csv", text + "HM-202,x,ZZ,1402/01/01,1401/01/01,flying\n")
    with pytest.raises(SystemExit):
        call_command("import_institutions", bad, "--quiet")
    assert Institution.objects.count() == 2


def test_a_second_import_updates_the_head_office(tmp_path, org_tree):
    header = "licence_number,name,province,licence_issued,licence_expires,activities,"
    header += "head_office_address,head_office_phone\n"
    row = "HM-300,موسسه الوند,HM,1402/01/01,1406/01/01,guarding,{},{}\n"
    call_command("import_institutions", _write(tmp_path, "a.csv", header + row.format(
        "همدان، خیابان بوعلی", "08131234567")), "--quiet")  # fmt: skip
    call_command("import_institutions", _write(tmp_path, "b.csv", header + row.format(
        "همدان، میدان آرامگاه", "08137654321")), "--quiet")  # fmt: skip
    moved = Institution.objects.get()
    assert (moved.head_office_address, moved.head_office_phone) == (
        "همدان، میدان آرامگاه",
        "08137654321",
    )
