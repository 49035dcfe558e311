"""Incident numbers come from core's sequences (numbering "incidents", one period per Jalali
year): the counters move there and incidents' own sequence table goes."""

from django.db import migrations


def forwards(apps, schema_editor):
    sequence = apps.get_model("core", "Sequence")
    for row in apps.get_model("incidents", "NumberSequence").objects.all():
        sequence.objects.update_or_create(
            name="incidents", period=str(row.year), defaults={"last": row.last}
        )


def backwards(apps, schema_editor):
    numbers = apps.get_model("incidents", "NumberSequence")
    for row in apps.get_model("core", "Sequence").objects.filter(name="incidents"):
        numbers.objects.update_or_create(year=int(row.period), defaults={"last": row.last})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_sequence"),
        ("incidents", "0004_counts_without_database_constraint"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="NumberSequence"),
    ]
