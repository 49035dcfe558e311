"""The citizen's status lookup as a PostgreSQL function (see complaints.selectors)."""

from django.db import migrations

# The same query as selectors._CITIZEN_SQL. Inside a PL/pgSQL function PostgreSQL keeps the
# query's plan for the session (and a pooled connection lives for many requests), so the
# lookup every citizen and every guess makes is not planned anew each time.
LOOKUP_FUNCTION = """
CREATE OR REPLACE FUNCTION kalantar_citizen_lookup(wanted_code varchar)
RETURNS TABLE (
    id bigint, tracking_code varchar, status varchar, national_code varchar, mobile varchar,
    filed_at timestamptz, first_action_due timestamptz, closure_due timestamptz,
    rejection_reason varchar, satisfaction smallint, category_name varchar,
    category_name_en varchar, unit_name varchar, unit_name_en varchar,
    step_kind varchar, step_at timestamptz, step_to_status varchar
)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT c.id, c.tracking_code, c.status, c.national_code, c.mobile, c.filed_at,
           c.first_action_due, c.closure_due, c.rejection_reason, c.satisfaction,
           category.name, category.name_en, unit.name, unit.name_en,
           step.kind, step.at, step.to_status
    FROM complaints_complaint c
    JOIN complaints_category category ON category.id = c.category_id
    JOIN org_unit unit ON unit.id = c.unit_id
    LEFT JOIN complaints_complaintevent step ON step.complaint_id = c.id AND step.public
    WHERE c.tracking_code = wanted_code
    ORDER BY step.at, step.id;
END
$$;
"""


def create_function(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LOOKUP_FUNCTION)


def drop_function(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS kalantar_citizen_lookup(varchar)")


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0005_queue_and_dashboard_indexes"),
        ("org", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_function, drop_function)]
