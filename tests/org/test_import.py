from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kalantar.core.models import AuditEntry
from kalantar.org.models import Jurisdiction, Unit
from tests.conftest import feature, square


def _write(tmp_path, data) -> str:
    path = tmp_path / "jurisdictions.geojson"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def _import_errors(tmp_path, data, capsys) -> tuple[str, str]:
    before = (Unit.objects.count(), Jurisdiction.objects.count())
    with translation.override("fa"), pytest.raises(CommandError) as err:
        call_command("import_jurisdictions", _write(tmp_path, data))
    assert (Unit.objects.count(), Jurisdiction.objects.count()) == before, "nothing may change"
    return str(err.value), capsys.readouterr().err


def fc(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def test_clean_file_is_imported_and_exported_back(org_tree, tmp_path, capsys):
    data = fc(feature("HM02P01", "پاسگاه انتظامی سامن", "HM02", square(49.0, 34.2), "pasgah"))
    call_command("import_jurisdictions", _write(tmp_path, data))
    outpost = Unit.objects.get(code="HM02P01")
    assert outpost.kind == "pasgah" and outpost.parent.code == "HM02"
    assert outpost.path == "/IR/HM/HM02/HM02P01/"
    assert outpost.jurisdiction.area_km2 > 100  # 0.1° × 0.1° near 34° N is ~ 102 km²
    out = tmp_path / "out.geojson"
    call_command("export_jurisdictions", "-o", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    codes = {f["properties"]["code"]: f["properties"] for f in exported["features"]}
    assert set(codes) == {"HM01K01", "HM01K02", "HM02K01", "HM02P01"}
    assert codes["HM02P01"]["parent"] == "HM02" and codes["HM02P01"]["kind"] == "pasgah"
    # The export is itself a valid import: re-importing it changes no geometry.
    call_command("import_jurisdictions", str(out))
    assert Jurisdiction.objects.count() == 4


def test_overlap_with_a_stored_jurisdiction_is_rejected(org_tree, tmp_path, capsys):
    data = fc(feature("HM01K03", "کلانتری ۱۳", "HM01", square(48.55, 34.85)))
    message, err = _import_errors(tmp_path, data, capsys)
    assert "HM01K03" in err and "HM01K01" in err
    assert "هم‌پوشانی" in err or "هم‌پوشان" in err
    assert "هیچ" in message


def test_overlap_inside_the_file_and_shared_borders(org_tree, tmp_path, capsys):
    data = fc(
        feature("HM02K02", "الف", "HM02", square(49.0, 34.0)),
        feature("HM02K03", "ب", "HM02", square(49.05, 34.0)),  # overlaps K02
        feature("HM02K04", "ج", "HM02", square(49.2, 34.0)),
        feature("HM02K05", "د", "HM02", square(49.3, 34.0)),  # shares K04's edge: fine
    )
    _message, err = _import_errors(tmp_path, data, capsys)
    assert "HM02K03" in err
    assert "HM02K05" not in err


def test_each_bad_feature_is_reported(org_tree, tmp_path, capsys):
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[50, 30], [50.1, 30.1], [50.1, 30], [50, 30.1], [50, 30]]],
    }
    data = fc(
        feature("HM09K01", "الف", "HM09", square(50.5, 30.0)),  # unknown parent
        feature("HM02K07", "ب", "HM02", bowtie),  # self-intersecting
        feature("HM02K08", "ج", "HM02", square(51.0, 30.0)),
        feature("HM02K08", "د", "HM02", square(51.5, 30.0)),  # duplicate code
        feature("HM02K09", "ه", "HM02", square(52.0, 30.0), kind="station"),  # bad kind
        feature("HM02K10", "و", "HM01K01", square(52.5, 30.0)),  # parent is not a county
        {
            "type": "Feature",
            "properties": {"code": "HM02K11", "name": "ز", "kind": "pasgah", "parent": "HM02"},
            "geometry": {"type": "Point", "coordinates": [1, 2]},
        },
    )
    message, err = _import_errors(tmp_path, data, capsys)
    lines = [line for line in err.splitlines() if line.startswith("- ")]
    assert len(lines) == 6
    assert any("HM09K01" in line and "HM09" in line for line in lines)
    assert any("HM02K07" in line and "نامعتبر" in line for line in lines)
    assert any("HM02K08" in line and "تکرار" in line for line in lines)
    assert any("HM02K09" in line for line in lines)
    assert any("HM02K10" in line for line in lines)
    assert any("HM02K11" in line for line in lines)
    assert "۶" in message or "6" in message


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"type": "Feature"}),
        json.dumps({"type": "FeatureCollection", "features": []}),
        json.dumps([1, 2, 3]),
    ],
)
def test_malformed_files_change_nothing(org_tree, tmp_path, capsys, content):
    message, _err = _import_errors(tmp_path, content, capsys)
    assert message  # a Persian message, never a traceback


def test_missing_file(org_tree, capsys):
    with translation.override("fa"), pytest.raises(CommandError, match="یافت نشد"):
        call_command("import_jurisdictions", "/nonexistent/file.geojson")


def test_check_only_stores_nothing(org_tree, tmp_path, capsys):
    data = fc(feature("HM02P02", "پاسگاه", "HM02", square(49.0, 34.5), "pasgah"))
    call_command("import_jurisdictions", _write(tmp_path, data), "--check")
    assert not Unit.objects.filter(code="HM02P02").exists()


def test_import_is_audited(org_tree, tmp_path):
    data = fc(feature("HM02P03", "پاسگاه", "HM02", square(49.0, 34.7), "pasgah"))
    call_command("import_jurisdictions", _write(tmp_path, data))
    entry = AuditEntry.objects.filter(action="org.jurisdictions.import").order_by("-seq").first()
    assert entry.detail["codes"] == ["HM02P03"] and entry.detail["created"] == 1


def test_persian_names_are_normalised(org_tree, tmp_path):
    data = fc(feature("hm02p04", "پاسگاه انتظامي كوهاني", "HM02", square(49.0, 34.9), "pasgah"))
    call_command("import_jurisdictions", _write(tmp_path, data))
    unit = Unit.objects.get(code="HM02P04")
    assert unit.name == "پاسگاه انتظامی کوهانی"
