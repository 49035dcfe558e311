import django.db.models.deletion
from django.db import migrations, models

import kalantar.complaints.codes

# Public-space problems: the only categories of the catalogue Open311 may publish.
PUBLISHABLE = ("noise", "public-hazard")
BATCH = 1000


def mark_publishable(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    Category.objects.filter(code__in=PUBLISHABLE).update(publishable=True)


def give_open311_ids(apps, schema_editor):
    """Each existing complaint its own random id (a column default would give them one)."""
    Complaint = apps.get_model("complaints", "Complaint")
    pending = Complaint.objects.filter(open311_id__isnull=True).only("pk")
    while batch := list(pending[:BATCH]):
        for complaint in batch:
            complaint.open311_id = kalantar.complaints.codes.new_open311_id()
        Complaint.objects.bulk_update(batch, ["open311_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0006_citizen_lookup_function"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="publishable",
            field=models.BooleanField(
                default=False,
                help_text="Only for problems in public space (noise, hazards). Complaints about people are never published.",
                verbose_name="published in the public Open311 list",
            ),
        ),
        migrations.RunPython(mark_publishable, migrations.RunPython.noop),
        migrations.AddField(
            model_name="complaint",
            name="open311_id",
            field=models.CharField(editable=False, max_length=20, null=True),
        ),
        migrations.RunPython(give_open311_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="complaint",
            name="open311_id",
            field=models.CharField(
                default=kalantar.complaints.codes.new_open311_id,
                editable=False,
                max_length=20,
                unique=True,
                verbose_name="Open311 id",
            ),
        ),
        migrations.AddField(
            model_name="complaint",
            name="open311_key",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="complaints.open311key",
                verbose_name="filed through Open311 key",
            ),
        ),
    ]
