"""Shared fixtures: a small command tree with two stations that must not see each other."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from itertools import chain

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from kalantar.complaints.models import Category
from kalantar.org import services as org_services
from kalantar.org.models import Unit
from kalantar.people import services as people_services
from kalantar.people.selectors import needs_second_factor
from tests import factories

PASSWORD = "Long-enough-pass-123"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite's test database is a file, as in the demo: an in-memory database shared
    between threads reports a lock at once instead of waiting its timeout, so the live
    server's concurrent requests (the map's two fetches, each saving the session) failed."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("db") / "test.sqlite3"
        )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a folder of the test's own, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_tmp(settings, tmp_path):
    """Each test's audit checkpoints go to a folder of its own: its database is new."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit_checkpoints"


@pytest.fixture(scope="session", autouse=True)
def _audit_log_emptied_between_transactional_tests():
    """The audit table refuses DELETE and TRUNCATE (core migration 0004), so emptying the
    database after a transactional test goes around its triggers, as an administrator
    purging a test database would."""
    PostgreSQL, SQLite = PostgreSQLWrapper.ops_class, SQLiteWrapper.ops_class

    def bypassing(original):
        def sql_flush(self, style, tables, **kwargs):
            statements = original(self, style, tables, **kwargs)
            if "core_auditentry" not in tables:
                return statements
            before, after = append_only_bypass(self.connection)
            return [*before, *statements, *after]

        return sql_flush

    originals = {PostgreSQL: PostgreSQL.sql_flush, SQLite: SQLite.sql_flush}
    for operations, original in originals.items():
        operations.sql_flush = bypassing(original)
    yield
    for operations, original in originals.items():
        operations.sql_flush = original


# The rows the data migrations seed, which every database starts with.
SEEDED_MODELS = ("complaints.Category", "evidence.RetentionPeriod", "security_firms.Indicator")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A transactional test ends by emptying every table, the rows the migrations seeded
    (complaint categories, evidence retention periods, assessment indicators) with them, and
    a test filing under a seeded category after it failed. Those rows, as migrated, are put
    back after every flush of the database, with their keys: a test that restores the whole
    database (serialized_rollback) finds them as it saved them."""
    with django_db_blocker.unblock():
        models = [apps.get_model(label) for label in SEEDED_MODELS]
        seeded = serializers.serialize("json", chain(*(m.objects.order_by("pk") for m in models)))
    original = FlushCommand.handle

    def handle(self, *args, **options):
        result = original(self, *args, **options)
        database = options.get("database", DEFAULT_DB_ALIAS)
        if database == DEFAULT_DB_ALIAS:
            with transaction.atomic(using=database):
                for row in serializers.deserialize("json", seeded, using=database):
                    row.save(using=database)
                with connections[database].cursor() as cursor:
                    # A flush that reset the sequences would hand out the restored keys again.
                    for sql in connections[database].ops.sequence_reset_sql(no_style(), models):
                        cursor.execute(sql)
        return result

    FlushCommand.handle = handle
    yield
    FlushCommand.handle = original


def database_url(name: str | None = None) -> str:
    """The test database (or another of that server, by name) as a DATABASE_URL, for the
    processes a test starts: web workers, backup and restore."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name or db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{name or db['NAME']}"


def append_only_bypass(connection) -> tuple[list[str], list[str]]:
    """The statements that switch the audit table's triggers off, and back on."""
    if connection.vendor == "postgresql":
        return (
            ["ALTER TABLE core_auditentry DISABLE TRIGGER USER"],
            ["ALTER TABLE core_auditentry ENABLE TRIGGER USER"],
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master"
            " WHERE type = 'trigger' AND tbl_name = 'core_auditentry'"
        )
        triggers = cursor.fetchall()
    return [f'DROP TRIGGER "{name}"' for name, _sql in triggers], [sql for _name, sql in triggers]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in English through the test
    client leaves English active in the thread, which would leak into the next test."""
    yield
    translation.deactivate()


class VerifiedClient(Client):
    """A test client whose force_login also gives the second factor for privileged users,
    as they would after the verification step: tests of other things log in with it, and
    two-factor login stays on for them. Tests of two-factor login itself use a plain Client."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if needs_second_factor(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client() -> VerifiedClient:
    return VerifiedClient()


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.classes: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("input", "select", "textarea") and found.get("name"):
            self.classes.setdefault(found["name"], (found.get("class") or "").split())


def control_classes(html: str) -> dict[str, list[str]]:
    """The classes of a page's form controls, by the control's name (the first of a name)."""
    parser = _Controls()
    parser.feed(html)
    return parser.classes


def square(lon: float, lat: float, size: float = 0.1) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
        ],
    }


def feature(code: str, name: str, parent: str, geometry: dict, kind: str = "kalantari") -> dict:
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "kind": kind, "parent": parent},
        "geometry": geometry,
    }


@pytest.fixture
def org_tree(db):
    """IR → HM → HM01 (stations K01, K02 side by side), HM02 (station K01) and the
    province's inspection office HMINS."""
    nation = org_services.create_unit(by=None, code="IR", name="ناجا", kind=Unit.Kind.NATIONAL)
    province = org_services.create_unit(
        by=None, code="HM", name="استان همدان", kind=Unit.Kind.PROVINCE, parent=nation
    )
    county1 = org_services.create_unit(
        by=None, code="HM01", name="شهرستان همدان", kind=Unit.Kind.COUNTY, parent=province
    )
    county2 = org_services.create_unit(
        by=None, code="HM02", name="شهرستان ملایر", kind=Unit.Kind.COUNTY, parent=province
    )
    org_services.import_jurisdictions(
        by=None,
        data={
            "type": "FeatureCollection",
            "features": [
                feature("HM01K01", "کلانتری ۱۱ همدان", "HM01", square(48.5, 34.8)),
                feature("HM01K02", "کلانتری ۱۲ همدان", "HM01", square(48.6, 34.8)),
                feature("HM02K01", "کلانتری ۱۱ ملایر", "HM02", square(48.8, 34.2)),
            ],
        },
    )
    org_services.create_unit(
        by=None,
        code="HMINS",
        name="بازرسی استان همدان",
        kind=Unit.Kind.INSPECTION,
        parent=province,
    )
    units = {u.code: u for u in Unit.objects.all()}
    assert county1.code in units and county2.code in units
    return units


@pytest.fixture
def make_user(org_tree):
    def make(username: str, role: str, unit: str):
        return people_services.add_user(
            by=None, username=username, role=role, unit_code=unit, password=PASSWORD
        )

    return make


# The roles most tests act as, on the test tree: two stations of one county (HM01K01,
# HM01K02), their county and the province.
@pytest.fixture
def chief1(make_user):
    return make_user("chief1", "station_chief", "HM01K01")


@pytest.fixture
def chief2(make_user):
    return make_user("chief2", "station_chief", "HM01K02")


@pytest.fixture
def county_user(make_user):
    return make_user("county1", "county_commander", "HM01")


@pytest.fixture
def province_user(make_user):
    return make_user("prov", "province_commander", "HM")


@pytest.fixture
def category(org_tree):
    return Category.objects.get(code="home-burglary")


@pytest.fixture
def file(org_tree):
    """File a complaint through the service: a factory draft, any field overridden."""
    return factories.file_complaint


@pytest.fixture
def incident_at(org_tree):
    """Open an incident inside station HM01K01 (or at the given point) at a given time."""

    def make(when: datetime | None = None, **fields):
        if when is not None:
            fields["occurred_at"] = when
        return factories.IncidentFactory(**fields)

    return make


@pytest.fixture
def other_province(org_tree, make_user):
    """A second province with its own station, inspection office, officer and inspector."""
    province = org_services.create_unit(
        by=None, code="KR", name="استان کردستان", kind=Unit.Kind.PROVINCE, parent=org_tree["IR"]
    )
    county = org_services.create_unit(
        by=None, code="KR01", name="شهرستان سنندج", kind=Unit.Kind.COUNTY, parent=province
    )
    station = org_services.create_unit(
        by=None, code="KR01K01", name="کلانتری ۱۱ سنندج", kind=Unit.Kind.KALANTARI, parent=county
    )
    org_services.create_unit(
        by=None,
        code="KRINS",
        name="بازرسی استان کردستان",
        kind=Unit.Kind.INSPECTION,
        parent=province,
    )
    return {
        "station": station,
        "officer": make_user("kr_officer", "desk_officer", "KR01K01"),
        "inspector": make_user("kr_insp", "inspector", "KRINS"),
    }
