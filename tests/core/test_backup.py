"""`kalantar backup` and `kalantar restore`, run as an operator runs them, on the database the
suite runs on (SQLite, or PostgreSQL with DATABASE_URL): a site with complaints, uploaded
files and signed audit checkpoints is backed up, restored into a new empty site (on
PostgreSQL a database the test creates and drops), and the restored site proves the copy:
the same rows, the same files, an audit chain that verifies with the restored keys."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from kalantar.complaints.models import Complaint
from kalantar.core.models import AuditEntry
from tests import factories
from tests.conftest import database_url

pytestmark = pytest.mark.django_db(transaction=True)

SRC = Path(__file__).resolve().parents[2] / "src"
KEY_FILES = {
    "secret_key": "SECRET_KEY",
    "audit_key": "AUDIT_KEY",
    "evidence_signing_key": "EVIDENCE_SIGNING_KEY",
    "guard_card_signing_key": "GUARD_CARD_SIGNING_KEY",
}


def _kalantar(*args: str, var: Path, db: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {*KEY_FILES.values(), "DJANGO_ALLOW_ASYNC_UNSAFE", "AUDIT_CHECKPOINT_DIR"}
    }
    environment.update(PYTHONPATH=str(SRC), KALANTAR_VAR_DIR=str(var), DATABASE_URL=db)
    return subprocess.run(
        [sys.executable, "-m", "kalantar", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


@pytest.fixture
def site(tmp_path, settings, org_tree) -> Path:
    """The site to back up: its var/ holds the keys this test writes with, its uploads and
    its audit checkpoints; three complaints filed, one with an attachment."""
    var = tmp_path / "site"
    var.mkdir()
    for name, setting in KEY_FILES.items():
        (var / name).write_text(getattr(settings, setting))
    settings.MEDIA_ROOT = var / "media"
    settings.AUDIT_CHECKPOINT_DIR = var / "audit_checkpoints"
    evidence = var / "evidence" / "originals" / "ab"
    evidence.mkdir(parents=True)
    (evidence / ("ab" + "0" * 62)).write_bytes(b"a camera's recording")
    for n in range(3):
        factories.file_complaint(summary=f"سرقت شماره {n}")
    (var / "media" / "attachments").mkdir(parents=True, exist_ok=True)
    (var / "media" / "attachments" / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    call_command("audit_checkpoint")
    return var


@pytest.fixture
def empty_site(tmp_path) -> Iterator[tuple[Path, str]]:
    """A new site's var/ and its empty database: on PostgreSQL one created for the test."""
    var = tmp_path / "restored"
    if connection.vendor == "sqlite":
        yield var, database_url(str(tmp_path / "restored.sqlite3"))
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = _admin_connection()
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield var, database_url(name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _admin_connection() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _restored_complaints(url: str) -> list[str]:
    query = "SELECT summary FROM complaints_complaint ORDER BY summary"
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return [row[0] for row in db.execute(query)]
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        return [row[0] for row in db.execute(query)]


def test_a_site_backed_up_and_restored_into_an_empty_one_proves_the_copy(
    site, empty_site, tmp_path
):
    folder = tmp_path / "backup"
    made = _kalantar("backup", str(folder), var=site, db=database_url())
    assert made.returncode == 0, made.stderr
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["tables"]["complaints_complaint"] == 3
    audit_entries = AuditEntry.objects.count()
    assert manifest["database"]["tables"]["core_auditentry"] == audit_entries
    assert {(f["area"], f["path"]) for f in manifest["files"]} >= {
        ("media", "attachments/photo.jpg"),
        ("evidence", "originals/ab/ab" + "0" * 62),
        ("audit_checkpoints", "checkpoints.jsonl"),
        ("var", "audit_key"),
    }
    # Progress on the long steps, in Persian: the database's pages, then each file area.
    assert "پایگاه داده" in made.stdout and "media" in made.stdout

    var, restored_url = empty_site
    restored = _kalantar("restore", str(folder), var=var, db=restored_url)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "دفتر ممیزی سالم است" in restored.stdout  # audit_verify, with the restored keys
    assert "بازیابی و وارسی شد" in restored.stdout
    assert _restored_complaints(restored_url) == sorted(
        Complaint.objects.values_list("summary", flat=True)
    )
    assert (var / "media" / "attachments" / "photo.jpg").read_bytes() == b"\xff\xd8 a photo"
    assert (var / "audit_key").read_text() == settings.AUDIT_KEY

    # Once more into the same, now full, database: refused in Persian, nothing changed.
    again = _kalantar("restore", str(folder), var=var, db=restored_url)
    assert again.returncode != 0
    assert "پایگاه داده خالی نیست" in again.stderr
    assert len(_restored_complaints(restored_url)) == 3


def test_a_damaged_backup_is_refused_before_anything_is_written(site, empty_site, tmp_path):
    folder = tmp_path / "backup"
    assert _kalantar("backup", str(folder), var=site, db=database_url()).returncode == 0
    photo = folder / "files" / "media" / "attachments" / "photo.jpg"
    photo.write_bytes(b"another photo")
    var, restored_url = empty_site
    refused = _kalantar("restore", str(folder), var=var, db=restored_url)
    assert refused.returncode != 0
    assert "آسیب دیده" in refused.stderr and "photo.jpg" in refused.stderr
    assert not (var / "media" / "attachments").exists()
    if restored_url.startswith("sqlite"):
        path = restored_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as db:
            assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0


def test_a_folder_without_a_manifest_is_not_a_backup(empty_site, tmp_path):
    folder = tmp_path / "interrupted"
    folder.mkdir()
    (folder / "database.sqlite3").write_bytes(b"")
    var, restored_url = empty_site
    refused = _kalantar("restore", str(folder), var=var, db=restored_url)
    assert refused.returncode != 0
    assert "manifest.json" in refused.stderr


@pytest.mark.parametrize("kind", ["not-empty", "not-writable"])
def test_a_backup_folder_that_is_not_empty_or_not_writable_is_refused(site, tmp_path, kind):
    if kind == "not-empty":
        folder = tmp_path / "backup"
        folder.mkdir()
        (folder / "last-week.txt").write_text("an older backup")
        expected = "خالی نیست"
    else:
        # Below a file: no folder can be made there, whoever asks (root included).
        (tmp_path / "a-file").write_text("")
        folder = tmp_path / "a-file" / "backup"
        expected = "نوشت"
    before = _outside(site, tmp_path)
    refused = _kalantar("backup", str(folder), var=site, db=database_url())
    assert refused.returncode != 0
    assert expected in refused.stderr and str(folder) in refused.stderr
    assert _outside(site, tmp_path) == before


def _outside(site: Path, folder: Path) -> list[tuple[str, bytes]]:
    """Every file and folder under `folder` but the site's own var/, with its content."""
    return sorted(
        (str(p), p.read_bytes() if p.is_file() else b"")
        for p in folder.rglob("*")
        if not p.is_relative_to(site)
    )


def test_a_backup_failing_half_way_leaves_nothing(site, tmp_path):
    """A file that cannot be read (a failing disk, here /proc/self/mem, which answers every
    read with an input/output error) after the database was copied: nothing is kept."""
    folder = tmp_path / "backup"
    photo = site / "media" / "attachments" / "photo.jpg"
    photo.unlink()
    photo.symlink_to("/proc/self/mem")
    result = _kalantar("backup", str(folder), var=site, db=database_url())
    assert result.returncode != 0
    assert "photo.jpg" in result.stderr or "Input/output" in result.stderr
    assert not folder.exists()
