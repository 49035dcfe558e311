from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_counts_with_database_constraint"),
    ]

    operations = [
        migrations.AlterField(
            model_name="incident",
            name="external_id",
            field=models.CharField(
                blank=True, max_length=100, null=True, verbose_name="external id"
            ),
        ),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id__isnull", False)),
                fields=("external_id",),
                name="incident_external_id_unique",
            ),
        ),
    ]
