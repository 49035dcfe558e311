"""The province of incidents and of their daily counts, filled for the rows already
stored (org.provinces)."""

import django.db.models.deletion
from django.db import migrations, models

from kalantar.org.provinces import fill_provinces


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0008_patrol_crew"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dailycount",
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
        migrations.AddField(
            model_name="incident",
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
        migrations.AddField(
            model_name="unitdailycount",
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
            fill_provinces("incidents", "incident", "station"), migrations.RunPython.noop
        ),
        migrations.RunPython(
            fill_provinces("incidents", "dailycount", "station"), migrations.RunPython.noop
        ),
        migrations.RunPython(
            fill_provinces("incidents", "unitdailycount", "unit"), migrations.RunPython.noop
        ),
    ]
