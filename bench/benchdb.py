"""What the single-process benchmarks (community, survey) share: a throw-away database set
up for Django, the Hamedan units their data hangs from, and a user who signs in without the
password rules.

    import benchdb
    where = benchdb.setup(args.db, "survey")   # before any import of the product's models
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PASSWORD = "bench-password-long-enough"


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")


def setup(db: str, name: str, **environ: str) -> str:
    """Django on a new SQLite file (`db` "sqlite"), or on the emptied database of
    DATABASE_URL (default: the local kalantar_bench), migrated; `environ` is set first.
    Returns where the database is, for the report's header."""
    workdir = tempfile.mkdtemp(prefix=f"kalantar-bench-{name}-")
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    else:
        os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kalantar_bench")
    os.environ.setdefault("KALANTAR_VAR_DIR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")
    os.environ.update(environ)
    import django

    django.setup()
    from django.core.management import call_command

    if db == "postgres":
        # A throw-away database: emptied whole (the audit table refuses a flush).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"].split("@")[-1]


def print_header(title: str, db: str, where: str) -> None:
    print(f"Kalantar {title}; {db} {where}")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")


def hamedan_units(depth: int = 2) -> list:
    """The nation, then Hamedan province, its first county and station: `depth` of them."""
    from kalantar.org import services as org_services
    from kalantar.org.models import Unit

    chain = [
        ("IR", "ناجا", Unit.Kind.NATIONAL),
        ("HM", "استان همدان", Unit.Kind.PROVINCE),
        ("HM01", "شهرستان همدان", Unit.Kind.COUNTY),
        ("HM01K01", "کلانتری ۱۱ همدان", Unit.Kind.KALANTARI),
    ]
    units, parent = [], None
    for code, unit_name, kind in chain[:depth]:
        parent = org_services.create_unit(
            by=None, code=code, name=unit_name, kind=kind, parent=parent
        )
        units.append(parent)
    return units


def add_user(username: str, role: str, unit_code: str):
    from kalantar.people import services as people_services

    return people_services.add_user(
        by=None,
        username=username,
        role=role,
        unit_code=unit_code,
        password=PASSWORD,
        check_password=False,
    )
