"""The province of alarms (the grouped events), filled for the rows already stored (org.provinces)."""

import django.db.models.deletion
from django.db import migrations, models

from kalantar.org.provinces import fill_provinces


class Migration(migrations.Migration):
    dependencies = [
        ("alarms", "0006_parked_permission"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="alarm",
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
            fill_provinces("alarms", "alarm", "station"), migrations.RunPython.noop
        ),
    ]
