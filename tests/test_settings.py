"""Production configuration: refuses to start without secrets, refuses what is unsafe, passes
Django's deploy check, and keeps the files that hold personal data to their owner."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

SRC = Path(__file__).resolve().parents[1] / "src"


def _kalantar(*args: str, **env: str) -> subprocess.CompletedProcess:
    return _python("-m", "kalantar", *args, **env)


def _python(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "CACHE_URL",
            "SITE_URL",
            "DATABASE_URL",
        }
    }
    # The checkout's own sources, whatever the virtualenv has installed.
    environment["PYTHONPATH"] = str(SRC)
    environment.update(env)
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _kalantar(
        "check",
        KALANTAR_ENV="production",
        ALLOWED_HOSTS="kalantar.example",
        KALANTAR_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


PRODUCTION = {
    "KALANTAR_ENV": "production",
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
    "ALLOWED_HOSTS": "kalantar.example",
    "RECEIPT_SIGNING_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "SITE_URL": "https://kalantar.example",
    "CACHE_URL": "redis://127.0.0.1:6379/13",
    "AUDIT_KEY": "a-long-random-audit-key-kept-outside-the-database",
    "EVIDENCE_SIGNING_KEY": "a-long-random-evidence-signing-key-kept-offline",
    "GUARD_CARD_SIGNING_KEY": "a-long-random-guard-card-signing-key-kept-offline",
}


def _deploy_check(tmp_path, **changes: str) -> subprocess.CompletedProcess:
    env = {**PRODUCTION, "KALANTAR_VAR_DIR": str(tmp_path), **changes}
    env = {k: v for k, v in env.items() if v is not None}
    return _kalantar("check", "--deploy", "--fail-level", "WARNING", **env)


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _deploy_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    """The audit chain's key must come from outside the database and the var directory."""
    result = _kalantar(
        "check",
        KALANTAR_ENV="production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="kalantar.example",
        RECEIPT_SIGNING_KEY="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        KALANTAR_VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "AUDIT_KEY" in result.stderr


def test_production_refuses_to_start_without_an_evidence_signing_key(tmp_path):
    """Exports for the courts are signed with a key that never comes from the var folder."""
    result = _deploy_check(tmp_path, EVIDENCE_SIGNING_KEY=None)
    assert result.returncode != 0
    assert "EVIDENCE_SIGNING_KEY" in result.stderr


def test_production_refuses_to_start_without_a_guard_card_signing_key(tmp_path):
    """Guards' cards are checked against a key that never comes from the var folder."""
    result = _deploy_check(tmp_path, GUARD_CARD_SIGNING_KEY=None)
    assert result.returncode != 0
    assert "GUARD_CARD_SIGNING_KEY" in result.stderr


def test_the_development_audit_key_is_readable_by_its_owner_only(tmp_path):
    result = _kalantar("check", KALANTAR_VAR_DIR=str(tmp_path), AUDIT_KEY="")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"DEBUG": "true"}, "kalantar.E003"),
        ({"ALLOWED_HOSTS": "*"}, "kalantar.E004"),
        ({"ALLOWED_HOSTS": "kalantar.example,*"}, "kalantar.E004"),
        ({"SITE_URL": None}, "kalantar.E005"),
        # Without CACHE_URL every worker would keep its own rate-limit counts.
        ({"CACHE_URL": None}, "kalantar.E001"),
        ({"CACHE_URL": "filecache:///tmp/kalantar-cache"}, "kalantar.E001"),
        ({"CACHE_URL": "locmemcache://kalantar"}, "kalantar.E001"),
    ],
    ids=[
        "debug",
        "any-host",
        "any-host-listed",
        "no-site-url",
        "no-cache",
        "file-cache",
        "per-process-cache",
    ],
)
def test_production_refuses_an_unsafe_configuration(tmp_path, changes, refusal):
    result = _deploy_check(tmp_path, **changes)
    assert result.returncode != 0
    assert refusal in result.stderr


def test_redis_without_its_client_library_is_refused(tmp_path):
    """The README's CACHE_URL=redis://… passed the deploy check while the redis package was
    missing, and the citizen pages answered 500; here the package is hidden again."""
    hidden = tmp_path / "hidden" / "redis"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ImportError(\"No module named 'redis'\")\n")
    result = _deploy_check(tmp_path, PYTHONPATH=f"{SRC}{os.pathsep}{hidden.parent}")
    assert result.returncode != 0
    assert "kalantar.E002" in result.stderr


def test_a_per_process_cache_is_refused_by_every_command_not_only_the_deploy_check(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "CACHE_URL"}
    result = _kalantar("check", KALANTAR_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert "kalantar.E001" in result.stderr


def test_the_web_server_refuses_to_start_an_unsafe_production_site(tmp_path):
    env = {k: v for k, v in PRODUCTION.items() if k != "CACHE_URL"}
    load = ("-c", "import kalantar.asgi")
    refused = _python(*load, KALANTAR_VAR_DIR=str(tmp_path), **env)
    assert refused.returncode != 0
    assert "kalantar.E001" in refused.stderr
    started = _python(*load, KALANTAR_VAR_DIR=str(tmp_path), **PRODUCTION)
    assert started.returncode == 0, started.stderr


def _setting(tmp_path, name: str, **env: str) -> str:
    result = _kalantar(
        "shell",
        "-c",
        f"from django.conf import settings; print(settings.{name})",
        KALANTAR_VAR_DIR=str(tmp_path),
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_hsts_preload_only_when_asked(tmp_path):
    assert _setting(tmp_path, "SECURE_HSTS_PRELOAD", **PRODUCTION) == "False"
    asked = {**PRODUCTION, "SECURE_HSTS_PRELOAD": "true"}
    assert _setting(tmp_path, "SECURE_HSTS_PRELOAD", **asked) == "True"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _open_the_database(var: Path) -> None:
    result = _kalantar(
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('CREATE TABLE t (x)')",
        KALANTAR_VAR_DIR=str(var),
    )
    assert result.returncode == 0, result.stderr


def test_database_keys_and_uploads_are_readable_by_their_owner_only(tmp_path):
    var = tmp_path / "var"
    _open_the_database(var)
    assert _mode(var) == 0o700
    assert _mode(var / "media") == 0o700
    assert _mode(var / "kalantar.sqlite3") == 0o600
    assert _mode(var / "secret_key") == 0o600
    for journal in var.glob("kalantar.sqlite3-*"):
        assert _mode(journal) == 0o600, journal


def test_files_an_older_version_left_world_readable_are_tightened(tmp_path):
    var = tmp_path / "var"
    (var / "media").mkdir(parents=True)
    for path in (var / "kalantar.sqlite3", var / "secret_key"):
        path.write_text("" if path.name.endswith("sqlite3") else "old-secret-key-" * 4)
        path.chmod(0o644)
    var.chmod(0o755)
    (var / "media").chmod(0o755)
    _open_the_database(var)
    assert _mode(var) == 0o700 and _mode(var / "media") == 0o700
    assert _mode(var / "kalantar.sqlite3") == 0o600 and _mode(var / "secret_key") == 0o600
    assert (var / "secret_key").read_text().startswith("old-secret-key-")


def test_uploaded_files_and_their_folders_are_readable_by_their_owner_only(settings):
    name = default_storage.save("complaints/2026/12/scan.pdf", ContentFile(b"%PDF-1.4"))
    root = Path(settings.MEDIA_ROOT)
    assert _mode(root / name) == 0o600
    assert _mode(root / "complaints" / "2026" / "12") == 0o700
    assert _mode(root / "complaints") == 0o700
