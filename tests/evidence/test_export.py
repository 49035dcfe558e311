"""Verified export: files, manifest and custody extract signed with the evidence key; the
server's checker and the court's standalone script agree on intact and tampered copies."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kalantar.evidence import court_check, services, signing, store
from kalantar.evidence.models import Quarantine
from tests.evidence.conftest import MP4, PDF, write

SCRIPT = Path(court_check.__file__)


@pytest.fixture
def items(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    write(tmp_path, "a.mp4", MP4)
    write(tmp_path, "b.pdf", PDF)
    first, _ = services.ingest_file(by=None, path=tmp_path / "a.mp4", device=cameras["BWC-101"])
    second, _ = services.ingest_file(by=None, path=tmp_path / "b.pdf", device=cameras["BWC-101"])
    return first, second


@pytest.fixture
def exported(items, tmp_path):
    folder = tmp_path / "export"
    call_command("evidence_export", items=f"{items[0].pk},{items[1].pk}", to=str(folder))
    return folder


@pytest.fixture
def key_file(tmp_path, client):
    """The public key as a court would save it from the well-known address."""
    document = client.get(signing.WELL_KNOWN_PATH)
    assert document.status_code == 200
    path = tmp_path / "kalantar-evidence-key.json"
    path.write_bytes(document.content)
    return path


def _server_check(folder) -> bool:
    try:
        call_command("evidence_check", str(folder), stdout=StringIO(), stderr=StringIO())
    except CommandError:
        return False
    return True


def _court_check(folder, key_file) -> subprocess.CompletedProcess:
    # Run as the court would: the file alone, outside the project's packages.
    return subprocess.run(
        [sys.executable, "-I", str(SCRIPT), str(folder), str(key_file)],
        capture_output=True,
        text=True,
        check=False,
        cwd=key_file.parent,
    )


def test_an_export_holds_files_facts_and_the_custody_chain(exported, items):
    manifest = json.loads((exported / "manifest.json").read_text())
    assert [item["id"] for item in manifest["items"]] == [items[0].pk, items[1].pk]
    assert manifest["items"][0]["sha256"] == items[0].original.sha256
    assert manifest["items"][0]["recorded_by"] == "علی رضایی"
    assert (exported / manifest["items"][1]["file"]).read_bytes() == PDF
    custody = json.loads((exported / "custody.json").read_text())
    actions = [entry["action"] for entry in custody[str(items[0].pk)]]
    assert actions[0] == "evidence.uploaded" and actions[-1] == "evidence.exported"


def test_an_intact_export_passes_both_checkers(exported, key_file):
    assert _server_check(exported)
    result = _court_check(exported, key_file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK" in result.stdout


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at % len(data)] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("which", ["video", "pdf", "custody.json", "manifest.json", "sig"])
@pytest.mark.parametrize("at", [0, -1])
def test_any_changed_byte_fails_both_checkers(exported, key_file, which, at):
    manifest = json.loads((exported / "manifest.json").read_text())
    target = {
        "video": manifest["items"][0]["file"],
        "pdf": manifest["items"][1]["file"],
        "custody.json": "custody.json",
        "manifest.json": "manifest.json",
        "sig": "manifest.sig",
    }[which]
    _flip(exported / target, at)
    assert not _server_check(exported)
    result = _court_check(exported, key_file)
    assert result.returncode == 1 and "FAIL" in result.stdout


def test_a_missing_or_extra_file_fails(exported, key_file):
    (exported / "custody.json").unlink()
    assert not _server_check(exported)
    assert _court_check(exported, key_file).returncode == 1


def test_an_added_file_fails(exported, key_file):
    (exported / "files" / "note.txt").write_text("slipped in")
    assert not _server_check(exported)
    assert _court_check(exported, key_file).returncode == 1


def test_another_key_does_not_verify(exported, tmp_path, settings):
    settings.EVIDENCE_SIGNING_KEY = "another key"
    assert not _server_check(exported)


def test_a_quarantined_item_is_not_exported(items, tmp_path, settings):
    path = store.original_path(settings.EVIDENCE_DIR, items[0].original.sha256)
    path.chmod(0o644)
    path.unlink()
    services.run_fixity()
    assert Quarantine.objects.filter(item=items[0]).exists()
    with pytest.raises(CommandError):
        call_command("evidence_export", items=str(items[0].pk), to=str(tmp_path / "out"))


def test_an_unknown_item_is_refused(items, tmp_path):
    with pytest.raises(CommandError):
        call_command("evidence_export", items="999999", to=str(tmp_path / "out"))


def test_the_key_is_published(client):
    response = client.get(reverse("evidence:evidence_key"))
    assert response.json()["public_key"] == signing.public_key_text()
    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_court_script_imports_nothing_of_the_product():
    source = SCRIPT.read_text()
    assert "django" not in source and "kalantar." not in source
