"""The audit log becomes append-only in the database, and its append leaves the database.

The chain is now keyed with a secret the database must never see, so the PL/pgSQL append
that 0003 once created is dropped: one Python append (kalantar.core.audit) serves both
databases, and going back does not bring the function back.
Triggers refuse UPDATE, DELETE and (on PostgreSQL) TRUNCATE of the table, whoever asks.
A table owner can still disable them; the keyed chain and its checkpoints outside the
database catch what is done then. Entries already written keep their unkeyed hashes until
the first checkpoint seals them (README, "Audit log").
"""

import importlib

from django.db import migrations

MESSAGE = "the audit log is append-only"

POSTGRESQL_CREATE = f"""
CREATE OR REPLACE FUNCTION kalantar_audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION kalantar_audit_refuse_change();
CREATE TRIGGER core_auditentry_no_truncate
    BEFORE TRUNCATE ON core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION kalantar_audit_refuse_change();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS core_auditentry_no_truncate ON core_auditentry;
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS kalantar_audit_refuse_change();
"""

# SQLite has no TRUNCATE: a DELETE without WHERE fires the DELETE trigger.
SQLITE_CREATE = [
    f"CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry"
    f" BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry"
    f" BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
]


def _append_function_migration():
    return importlib.import_module("kalantar.core.migrations.0003_audit_append_function")


def forwards(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_append_function_migration().DROP_FUNCTION)
        schema_editor.execute(POSTGRESQL_CREATE)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_append_function")]

    operations = [migrations.RunPython(forwards, backwards)]
