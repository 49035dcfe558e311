"""Station codes and malformed features in a jurisdictions file: refused by the check itself,
feature by feature in Persian, and nothing stored (the check and the import are one)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from kalantar.org.models import Jurisdiction, Unit
from tests.conftest import feature, square


def fc(*features) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def _write(tmp_path, data) -> str:
    path = tmp_path / "jurisdictions.geojson"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def _refused(tmp_path, capsys, data, *, check: bool) -> str:
    """The errors printed for `data`; asserts that nothing changed."""
    before = sorted(Unit.objects.values_list("code", "path"))
    geometries = Jurisdiction.objects.count()
    options = ["--check"] if check else []
    with translation.override("fa"), pytest.raises(CommandError) as err:
        call_command("import_jurisdictions", _write(tmp_path, data), *options)
    assert sorted(Unit.objects.values_list("code", "path")) == before
    assert Jurisdiction.objects.count() == geometries
    return str(err.value) + "\n" + capsys.readouterr().err


def _outpost(code, **props) -> dict:
    item = feature(code, "پاسگاه آزمایشی", "HM02", square(49.0, 34.2), "pasgah")
    item["properties"].update(props)
    return item


@pytest.mark.parametrize("check", [True, False], ids=["check", "import"])
@pytest.mark.parametrize(
    "code",
    ["HM01/K09", "HM01K01/", "../HM", "K" * 1000, "H", "HM 02", "HM-02", "هم۰۱", "HM01K09!"],
)
def test_malformed_codes_are_refused_by_the_check_and_the_import(
    org_tree, tmp_path, capsys, code, check
):
    errors = _refused(tmp_path, capsys, fc(_outpost(code)), check=check)
    assert "عارضه 1:" in errors and "۲ تا ۳۲ حرف لاتین" in errors


@pytest.mark.parametrize("check", [True, False], ids=["check", "import"])
@pytest.mark.parametrize("code", ["HM02", "HM", "IR", "HMINS"])
def test_a_code_of_a_command_is_refused_by_the_check(org_tree, tmp_path, capsys, code, check):
    errors = _refused(tmp_path, capsys, fc(_outpost(code)), check=check)
    assert f"کد {code} از آنِ یگانی است که کلانتری یا پاسگاه نیست" in errors


def test_codes_are_normalised_as_everywhere(org_tree, tmp_path):
    call_command("import_jurisdictions", _write(tmp_path, fc(_outpost("hm02p۰۷"))))
    assert Unit.objects.get(code="HM02P07").path == "/IR/HM/HM02/HM02P07/"


@pytest.mark.parametrize(
    ("geometry", "props"),
    [
        ({"type": "Polygon"}, {}),
        ({"type": "MultiPolygon"}, {}),
        ({"type": "Polygon", "coordinates": [[[49.0, 34.2, {}], [49.1, 34.2], [49.1, 34.3]]]}, {}),
        ({"type": "Polygon", "coordinates": [[[[[[49.0, 34.2]]]]]]}, {}),
        ({"type": "Polygon", "coordinates": [[[49.0, True], [49.1, 34.2], [49.1, 34.3]]]}, {}),
        (square(49.0, 34.2), {"hq": {"lon": 49.05, "lat": 34.25}}),
        (square(49.0, 34.2), {"hq": "49.05,34.25"}),
        (square(49.0, 34.2), {"hq": [49.05]}),
        (square(49.0, 34.2), {"name": "ن" * 201}),
        (square(49.0, 34.2), {"name": {"fa": "پاسگاه"}}),
    ],
)
def test_malformed_features_get_a_message_by_feature(org_tree, tmp_path, capsys, geometry, props):
    item = _outpost("HM02P08", **props)
    item["geometry"] = geometry
    errors = _refused(tmp_path, capsys, fc(item), check=False)
    assert "عارضه 1 (کد HM02P08):" in errors


def test_deeply_nested_json_is_a_message(org_tree, tmp_path, capsys):
    deep = '{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}"
    errors = _refused(tmp_path, capsys, deep, check=True)
    assert "تودرتو" in errors
