"""Offload from a camera dock: idempotent by hash, resumable after a kill, content checked."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kalantar.evidence import services, store
from kalantar.evidence.models import EvidenceItem, Original
from tests.evidence.conftest import ELF, MP4, PDF, write


@pytest.fixture
def dock(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    services.check_in_camera(by=people["desk"], serial="BWC-101")
    folder = tmp_path / "dock"
    folder.mkdir()
    write(folder, "0001.MP4", MP4)
    write(folder, "0002.MP4", MP4[:64] + b"other" + MP4[64:])
    write(folder, "0003.PDF", PDF)
    return folder


def _run(folder, device="BWC-101") -> str:
    out, err = StringIO(), StringIO()
    call_command("evidence_ingest", str(folder), device=device, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_a_second_run_keeps_nothing_twice(dock, settings, people):
    first = _run(dock)
    assert "[3/3] 100%" in first
    assert Original.objects.count() == 3 and EvidenceItem.objects.count() == 3
    assert set(EvidenceItem.objects.values_list("recorded_by", flat=True)) == {people["officer"].pk}
    _run(dock)
    assert Original.objects.count() == 3 and EvidenceItem.objects.count() == 3
    kept = list((settings.EVIDENCE_DIR / "originals").rglob("*"))
    assert len([p for p in kept if p.is_file()]) == 3


def test_a_run_killed_mid_copy_resumes(dock, settings, cameras, monkeypatch):
    calls = {"n": 0}
    real_keep = store.keep

    def dies_on_second(root, partial, sha256):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # as a kill between copying and keeping
        return real_keep(root, partial, sha256)

    monkeypatch.setattr(store, "keep", dies_on_second)
    with pytest.raises(KeyboardInterrupt):
        _run(dock)
    assert EvidenceItem.objects.count() == 1
    monkeypatch.setattr(store, "keep", real_keep)
    _run(dock)
    assert EvidenceItem.objects.count() == 3
    assert not any((settings.EVIDENCE_DIR / "partial").iterdir())


def test_empty_files_and_programs_are_refused_and_reported(dock):
    write(dock, "0004.MP4", b"")
    write(dock, "0005.MP4", ELF)
    output = _run(dock)
    assert "0004.MP4" in output and "0005.MP4" in output
    assert EvidenceItem.objects.count() == 3


def test_a_camera_nobody_checked_out_is_refused(tmp_path, cameras):
    with pytest.raises(CommandError):
        _run(tmp_path, device="BWC-201")
    with pytest.raises(CommandError):
        _run(tmp_path, device="NO-SUCH")
