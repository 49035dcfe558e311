"""Production configuration: refuses to start without secrets and passes Django's deploy check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def _kalantar(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    # This tree's code, whatever package the virtualenv has installed.
    environment["PYTHONPATH"] = str(SRC)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "kalantar", *args],
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


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _kalantar(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        KALANTAR_ENV="production",
        SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="kalantar.example",
        RECEIPT_SIGNING_KEY="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        AUDIT_KEY="a-long-random-audit-key-kept-outside-the-database",
        KALANTAR_VAR_DIR=str(tmp_path),
    )
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


def test_the_development_audit_key_is_readable_by_its_owner_only(tmp_path):
    result = _kalantar("check", KALANTAR_VAR_DIR=str(tmp_path), AUDIT_KEY="")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600
