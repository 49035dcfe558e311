"""The citizen's status lookup runs through the ORM (complaints.selectors): its PostgreSQL
function from migration 0006 goes."""

from django.db import migrations


def drop_function(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS kalantar_citizen_lookup(varchar)")


class Migration(migrations.Migration):
    dependencies = [("complaints", "0009_complainant_identity_permission")]

    # Going back leaves it dropped: nothing calls it any more.
    operations = [migrations.RunPython(drop_function, migrations.RunPython.noop)]
