"""The province of the public statistics" rollup rows, filled for those already counted
(org.provinces)."""

import django.db.models.deletion
from django.db import migrations, models

from kalantar.org.provinces import fill_provinces


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("portal", "0003_counts_leave_room_for_updates"),
    ]

    operations = [
        migrations.AddField(
            model_name="closedincidentcount",
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
            fill_provinces("portal", "closedincidentcount", "station"), migrations.RunPython.noop
        ),
    ]
