"""Once the audit chain's append as a PostgreSQL function; now nothing.

The append is done by kalantar.core.audit on every database (the chain is keyed with a
secret the database never sees), and 0004 drops the function wherever this migration had
created it, so a new database never gets a copy of the runtime's SQL.
"""

from django.db import migrations

# The function older databases hold until 0004 runs.
DROP_FUNCTION = """
DROP FUNCTION IF EXISTS kalantar_audit_append(
    bigint, timestamptz, bigint, varchar, varchar, varchar, varchar, inet, varchar, jsonb, text
);
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = []
