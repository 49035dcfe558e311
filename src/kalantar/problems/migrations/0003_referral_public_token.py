"""Referrals' public status pages move from the sequential reference to a random token:
the column is added empty, every existing referral gets its own token, then it becomes
unique and required."""

import secrets

from django.db import migrations, models

import kalantar.problems.models


def give_tokens(apps, schema_editor):
    referral = apps.get_model("problems", "Referral")
    for item in referral.objects.filter(public_token__isnull=True).only("pk").iterator():
        referral.objects.filter(pk=item.pk).update(public_token=secrets.token_urlsafe(16))


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0002_attachments_in_shared_store"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="public_token",
            field=models.CharField(editable=False, max_length=32, null=True),
        ),
        migrations.RunPython(give_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="referral",
            name="public_token",
            field=models.CharField(
                default=kalantar.problems.models.new_public_token,
                editable=False,
                max_length=32,
                unique=True,
            ),
        ),
    ]
