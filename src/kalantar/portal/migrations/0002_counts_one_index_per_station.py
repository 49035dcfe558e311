"""The count tables lose the index Django gives every foreign key: their unique index
leads with the same column, and the second one only cost a write per key added."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="closedincidentcount",
            name="station",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="org.unit",
                verbose_name="station",
            ),
        ),
    ]
