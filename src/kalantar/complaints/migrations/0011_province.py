"""The province of complaints, filled for the rows already stored (org.provinces)."""

import django.db.models.deletion
from django.db import migrations, models

from kalantar.org.provinces import fill_provinces


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_drop_citizen_lookup_function"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="province",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.unit",
                verbose_name="province",
            ),
        ),
        migrations.RunPython(
            fill_provinces("complaints", "complaint", "unit"), migrations.RunPython.noop
        ),
    ]
