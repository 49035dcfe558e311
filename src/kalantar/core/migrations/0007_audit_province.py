"""Audit entries carry the province of the record they are about (new entries only: the
append-only log is never rewritten)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_task"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="province_id",
            field=models.BigIntegerField(
                blank=True, editable=False, null=True, verbose_name="province"
            ),
        ),
    ]
