"""Backup and restore of a whole site: the database, the files and the keys kept in var/.

A backup folder holds the database (SQLite's online backup API, or `pg_dump --format=custom`
of one consistent snapshot), every file of the file areas under `files/<area>/`, and
`manifest.json`: the row count of every table, taken in the same snapshot as the copy, and
the size and SHA-256 of every file. The manifest is written last, so a folder without one
is an interrupted backup and is never restored.

A restore goes only into an empty database and empty file areas (the keys a fresh site
generated at start-up excepted: with an empty database nothing is signed by them yet, and
the backup's keys must replace them or its audit chain and receipts would not verify). It
checks every checksum before writing anything, and afterwards proves the copy: the same
row count in every table, the same files, and an audit chain that verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from kalantar.core.persian import active_digits, format_number

MANIFEST = "manifest.json"
FORMAT = 1
FILES = "files"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
BLOCK = 1024 * 1024
SQLITE_PAGES_PER_STEP = 1024

Say = Callable[[str], None]


def number(n: int) -> str:
    """A count as the reader reads numbers (Persian digits unless the language is English)."""
    return format_number(n, digits=active_digits())


class BackupError(Exception):
    """Refused or failed; the message says why, in the user's language."""


@dataclass(frozen=True)
class Area:
    name: str
    root: Path
    # Files that may already exist on a fresh site and are replaced by the backup's.
    replaceable: bool = False
    skip: tuple[Path, ...] = ()


def areas(*, besides: tuple[Path, ...] = ()) -> list[Area]:
    """Where the site keeps files: uploads, evidence originals, audit checkpoints, and
    var/ itself (the generated keys, the 197 classifier), without the database file, the
    collected static files and the other areas when they lie inside it."""
    var = Path(settings.VAR_DIR)
    media = Path(settings.MEDIA_ROOT)
    evidence = Path(settings.EVIDENCE_DIR)
    checkpoints = Path(settings.AUDIT_CHECKPOINT_DIR)
    skip = [media, evidence, checkpoints, Path(settings.STATIC_ROOT), *besides]
    if connection.vendor == "sqlite":
        skip.append(Path(settings.DATABASES["default"]["NAME"]))
    return [
        Area("media", media),
        Area("evidence", evidence),
        Area("audit_checkpoints", checkpoints),
        Area("var", var, replaceable=True, skip=tuple(p.resolve() for p in skip)),
    ]


def _files(area: Area) -> Iterator[Path]:
    if not area.root.is_dir():
        return
    for folder, dirs, names in os.walk(area.root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in area.skip)
        for name in sorted(names):
            path = here / name
            if _is_database_file(path.resolve(), area.skip) or not path.is_file():
                continue
            yield path


def _is_database_file(path: Path, skip: tuple[Path, ...]) -> bool:
    # SQLite's -wal and -shm files go with the database, which is copied on its own.
    return any(path == s or path.name in (f"{s.name}-wal", f"{s.name}-shm") for s in skip)


def _copy(source: Path, target: Path) -> tuple[int, str]:
    """Copy one file, hashing it on the way; its size and SHA-256."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if target.exists():  # a replaceable key file, or a read-only original
        target.chmod(0o600)
    with source.open("rb") as reading, target.open("wb") as writing:
        while block := reading.read(BLOCK):
            digest.update(block)
            writing.write(block)
            size += len(block)
    shutil.copymode(source, target)
    return size, digest.hexdigest()


def sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


# Backup ------------------------------------------------------------------------------


def check_target(folder: Path) -> None:
    """A backup goes into a new folder or an empty one we may write to; nothing is written
    when it is refused."""
    if folder.exists() and not folder.is_dir():
        raise BackupError(_("%(path)s is a file, not a folder.") % {"path": folder})
    if folder.is_dir() and any(folder.iterdir()):
        raise BackupError(
            _("The backup folder %(path)s is not empty: choose a new or empty folder.")
            % {"path": folder}
        )
    # Tried rather than judged from the modes, which say nothing of read-only file systems
    # (and everything is writable to root by its modes).
    probe = folder / ".kalantar-probe" if folder.is_dir() else folder
    try:
        if probe == folder:
            folder.mkdir(mode=0o700)
            folder.rmdir()
        else:
            probe.write_bytes(b"")
            probe.unlink()
    except OSError as error:
        raise BackupError(
            _("The backup folder %(path)s cannot be written (%(reason)s). Nothing was written.")
            % {"path": folder, "reason": error.strerror or error}
        ) from error


def backup(folder: Path, say: Say) -> dict:
    """Write a backup of the site into `folder` (new or empty); its manifest."""
    folder = folder.absolute()
    check_target(folder)
    created = not folder.exists()
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": _backup_database(folder, say),
            "files": _backup_files(folder, say),
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    except BaseException:
        # An interrupted backup leaves nothing behind that could be mistaken for one.
        _empty(folder, remove=created)
        raise
    return manifest


def _empty(folder: Path, *, remove: bool) -> None:
    for child in folder.iterdir() if folder.is_dir() else ():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
    if remove and folder.is_dir():
        folder.rmdir()


def _backup_database(folder: Path, say: Say) -> dict:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(_("Backup supports SQLite and PostgreSQL only."))
    target = folder / DATABASE_FILES[vendor]
    say(_("Copying the database (%(vendor)s)…") % {"vendor": vendor})
    if vendor == "sqlite":
        tables = _backup_sqlite(target, say)
    else:
        tables = _backup_postgresql(target, say)
    say(
        _("Database copied: %(tables)s tables, %(rows)s rows.")
        % {"tables": number(len(tables)), "rows": number(sum(tables.values()))}
    )
    return {"vendor": vendor, "file": target.name, "sha256": sha256(target), "tables": tables}


def _sqlite_progress(say: Say) -> Callable[[int, int, int], None]:
    """Report the pages copied at each tenth of the database (a line per step of a large
    database would bury the rest of the output)."""
    shown = -1

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal shown
        tenth = (total - remaining) * 10 // max(total, 1)
        if tenth > shown:
            shown = tenth
            say(
                _("  %(done)s of %(total)s pages")
                % {"done": number(total - remaining), "total": number(total)}
            )

    return progress


def _backup_sqlite(target: Path, say: Say) -> dict[str, int]:
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as copy:
        # The online backup API copies a consistent database while others keep writing.
        connection.connection.backup(
            copy, pages=SQLITE_PAGES_PER_STEP, progress=_sqlite_progress(say)
        )
        # One self-contained file: no -wal beside it to lose on the way.
        copy.execute("PRAGMA journal_mode=DELETE")
        counts = _sqlite_counts(copy)
    target.chmod(0o600)
    return counts


def _sqlite_counts(db: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    arguments = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            arguments += [flag, str(db[key])]
    environment = {**os.environ}
    if db.get("PASSWORD"):
        environment["PGPASSWORD"] = db["PASSWORD"]
    return arguments, environment


def _run_client(argv: list[str], environment: dict[str, str], say: Say, marker: str) -> None:
    """Run pg_dump or pg_restore, relaying its per-table lines as progress."""
    try:
        process = subprocess.Popen(
            argv, env=environment, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        )
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s was not found: install PostgreSQL's client programs.")
            % {"program": argv[0]}
        ) from error
    errors = []
    for line in process.stderr:
        line = line.rstrip()
        if marker in line:
            say(f"  {line.split(marker, 1)[1].strip()}")
        elif "error" in line.lower():
            errors.append(line)
    if process.wait() != 0:
        raise BackupError(
            _("%(program)s failed: %(errors)s")
            % {"program": argv[0], "errors": " ".join(errors) or process.returncode}
        )


def _backup_postgresql(target: Path, say: Say) -> dict[str, int]:
    arguments, environment = _pg_arguments()
    # One snapshot for the dump and the counts: rows written meanwhile are in neither.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        argv = ["pg_dump", "--format=custom", "--verbose", f"--snapshot={snapshot}"]
        argv += [*arguments, "--file", str(target), connection.settings_dict["NAME"]]
        _run_client(argv, environment, say, "dumping contents of table")
        target.chmod(0o600)
        return _database_counts(cursor)


def _database_counts(cursor) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for name in sorted(connection.introspection.table_names(cursor)):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(name)}")
        counts[name] = cursor.fetchone()[0]
    return counts


def _backup_files(folder: Path, say: Say) -> list[dict]:
    entries = []
    # A backup folder inside var/ is not copied into itself.
    for area in areas(besides=(folder,)):
        copied = 0
        for path in _files(area):
            relative = path.relative_to(area.root).as_posix()
            size, digest = _copy(path, folder / FILES / area.name / relative)
            entries.append({"area": area.name, "path": relative, "size": size, "sha256": digest})
            copied += size
        count = sum(1 for e in entries if e["area"] == area.name)
        say(
            _("Copied %(area)s: %(files)s files, %(bytes)s bytes.")
            % {"area": area.name, "files": number(count), "bytes": number(copied)}
        )
    return entries


# Restore -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    files: int


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as error:
        raise BackupError(
            _("No backup in %(path)s: its manifest.json is missing (an interrupted backup?).")
            % {"path": folder}
        ) from error
    except ValueError as error:
        raise BackupError(
            _("The backup's manifest.json is damaged: %(error)s") % {"error": error}
        ) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(_("This backup's format is not one this version can restore."))
    return manifest


def check_backup(folder: Path, manifest: dict, say: Say) -> None:
    """Every file of the backup, the database included, against its checksum."""
    say(_("Checking the backup's checksums…"))
    database = manifest["database"]
    expected = [(folder / database["file"], database["sha256"])]
    expected += [(folder / FILES / e["area"] / e["path"], e["sha256"]) for e in manifest["files"]]
    for path, digest in expected:
        if not path.is_file() or sha256(path) != digest:
            raise BackupError(
                _("The backup is damaged: %(file)s is missing or does not match its checksum.")
                % {"file": path.relative_to(folder)}
            )


def check_empty_site(manifest: dict) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            _("The backup holds a %(backup)s database; this site uses %(site)s.")
            % {"backup": vendor, "site": connection.vendor}
        )
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            _(
                "The database is not empty (it has %(n)s tables): a backup is restored only "
                "into a new, empty database. Nothing was changed."
            )
            % {"n": number(len(tables))}
        )
    for area in areas():
        if area.replaceable:
            continue
        if next(_files(area), None) is not None:
            raise BackupError(
                _(
                    "The folder %(path)s already holds files: a backup is restored only into "
                    "empty folders. Nothing was changed."
                )
                % {"path": area.root}
            )


def restore(folder: Path, say: Say) -> Restored:
    """Restore the backup in `folder` into this (empty) site and prove the copy."""
    folder = folder.absolute()
    manifest = read_manifest(folder)
    check_backup(folder, manifest, say)
    check_empty_site(manifest)
    database = manifest["database"]
    say(_("Restoring the database…"))
    if database["vendor"] == "sqlite":
        _restore_sqlite(folder / database["file"], say)
    else:
        _restore_postgresql(folder / database["file"], say)
    _restore_files(folder, manifest, say)
    return verify(manifest, say)


def _restore_sqlite(source: Path, say: Say) -> None:
    connection.close()
    target = Path(connection.settings_dict["NAME"])
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing, pages=SQLITE_PAGES_PER_STEP, progress=_sqlite_progress(say))
        # The site's own mode (settings: WAL), which the copy's header would otherwise set.
        writing.execute("PRAGMA journal_mode=WAL")


def _restore_postgresql(source: Path, say: Say) -> None:
    connection.close()
    arguments, environment = _pg_arguments()
    # Owners and grants belong to the old server's roles; the restoring role owns it all.
    argv = ["pg_restore", "--verbose", "--exit-on-error", "--no-owner", "--no-privileges"]
    argv += [*arguments, "--dbname", connection.settings_dict["NAME"], str(source)]
    _run_client(argv, environment, say, "processing data for table")


def _restore_files(folder: Path, manifest: dict, say: Say) -> None:
    roots = {area.name: area.root for area in areas()}
    for name, root in roots.items():
        entries = [e for e in manifest["files"] if e["area"] == name]
        for entry in entries:
            _copy(folder / FILES / name / entry["path"], root / entry["path"])
        say(
            _("Restored %(area)s: %(files)s files.") % {"area": name, "files": number(len(entries))}
        )


def verify(manifest: dict, say: Say) -> Restored:
    """The restored site against the manifest: row counts and files."""
    say(_("Verifying the copy…"))
    with connection.cursor() as cursor:
        found = _database_counts(cursor)
    expected = manifest["database"]["tables"]
    for table, rows in expected.items():
        if found.get(table) != rows:
            raise BackupError(
                _("Table %(table)s has %(found)s rows; the backup recorded %(expected)s.")
                % {"table": table, "found": found.get(table), "expected": rows}
            )
    roots = {area.name: area.root for area in areas()}
    for entry in manifest["files"]:
        path = roots[entry["area"]] / entry["path"]
        if not path.is_file() or sha256(path) != entry["sha256"]:
            raise BackupError(
                _("The restored file %(file)s differs from the backup's.") % {"file": path}
            )
    return Restored(tables=len(expected), rows=sum(expected.values()), files=len(manifest["files"]))


def verify_audit(say: Say) -> None:
    """`kalantar audit_verify` on the restored site, in a process of its own: this one
    started with the keys the empty site generated, not the restored ones."""
    say(_("Verifying the audit log…"))
    result = subprocess.run(
        [sys.executable, "-m", "kalantar", "audit_verify"],
        capture_output=True,
        text=True,
    )
    for line in (result.stdout + result.stderr).splitlines():
        say(f"  {line}")
    if result.returncode != 0:
        raise BackupError(_("The restored audit log does not verify."))
