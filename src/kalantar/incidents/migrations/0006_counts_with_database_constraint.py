import django.db.models.deletion
from django.db import migrations, models


def drop_orphans(apps, schema_editor) -> None:
    """Counts of units no longer there could not take the constraint; they count nothing."""
    unit = apps.get_model("org", "Unit")
    units = unit.objects.values("pk")
    apps.get_model("incidents", "DailyCount").objects.exclude(station_id__in=units).delete()
    apps.get_model("incidents", "UnitDailyCount").objects.exclude(unit_id__in=units).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0005_numbers_from_core_sequence"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_orphans, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="dailycount",
            name="station",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="org.unit",
                verbose_name="station",
            ),
        ),
        migrations.AlterField(
            model_name="unitdailycount",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="org.unit",
                verbose_name="unit",
            ),
        ),
    ]
