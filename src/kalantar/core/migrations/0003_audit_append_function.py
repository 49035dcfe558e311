"""The audit chain's append as one PostgreSQL function (see kalantar.core.audit)."""

from django.db import migrations

APPEND_FUNCTION = """
CREATE OR REPLACE FUNCTION kalantar_audit_append(
    lock_key bigint,
    entry_at timestamptz,
    entry_actor_id bigint,
    entry_actor_username varchar,
    entry_action varchar,
    entry_object_type varchar,
    entry_object_id varchar,
    entry_ip inet,
    entry_outcome varchar,
    entry_detail jsonb,
    digest_middle text
) RETURNS TABLE (entry_id bigint, entry_seq bigint, entry_prev_hash varchar, entry_hash varchar)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    last_seq bigint;
    last_hash varchar;
BEGIN
    -- Serialise appends. A volatile function reads with a fresh snapshot for each
    -- statement, so the read of the last entry below sees every append committed
    -- before this one got the lock.
    PERFORM pg_advisory_xact_lock(lock_key);
    SELECT e.seq, e.hash INTO last_seq, last_hash
        FROM core_auditentry e ORDER BY e.seq DESC LIMIT 1;
    entry_seq := coalesce(last_seq, 0) + 1;
    entry_prev_hash := coalesce(last_hash, repeat('0', 64));
    -- The same digest as audit.entry_digest: SHA-256 over the canonical JSON array
    -- [seq, <the entry's fields>, prev_hash], whose middle part the caller serialised.
    entry_hash := encode(sha256(convert_to(
        '[' || entry_seq || ',' || digest_middle || ',"' || entry_prev_hash || '"]', 'UTF8'
    )), 'hex');
    INSERT INTO core_auditentry (
        seq, at, actor_id, actor_username, action, object_type, object_id, ip, outcome,
        detail, prev_hash, hash
    ) VALUES (
        entry_seq, entry_at, entry_actor_id, entry_actor_username, entry_action,
        entry_object_type, entry_object_id, entry_ip, entry_outcome, entry_detail,
        entry_prev_hash, entry_hash
    ) RETURNING id INTO entry_id;
    RETURN NEXT;
END
$$;
"""

DROP_FUNCTION = """
DROP FUNCTION IF EXISTS kalantar_audit_append(
    bigint, timestamptz, bigint, varchar, varchar, varchar, varchar, inet, varchar, jsonb, text
);
"""


def create_function(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_FUNCTION)


def drop_function(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_FUNCTION)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [migrations.RunPython(create_function, drop_function)]
