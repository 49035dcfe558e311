"""Project numbers and referral references come from core's sequences: each numbering starts
after the highest number already given in its year (suffixed numbers of the old
count-and-retry scheme included), so no new number can meet an old one."""

import re

from django.db import migrations

# P-<unit>-<year>-<number>[-<retry>]: the unit code may hold hyphens and digits itself.
_NUMBER = re.compile(r"^(?P<prefix>.+)-(?P<year>[0-9]{4})-(?P<n>[0-9]{4,})(?:-[0-9]+)?$")


def seed(apps, schema_editor):
    sequence = apps.get_model("core", "Sequence")
    highest: dict[tuple[str, str], int] = {}
    for model, field in (("Problem", "number"), ("Referral", "reference")):
        rows = apps.get_model("problems", model).objects.values_list(field, flat=True)
        for number in rows.iterator():
            match = _NUMBER.match(number)
            if match:
                key = (match["prefix"], match["year"])
                highest[key] = max(highest.get(key, 0), int(match["n"]))
    for (prefix, year), last in highest.items():
        sequence.objects.update_or_create(name=prefix, period=year, defaults={"last": last})


def unseed(apps, schema_editor):
    apps.get_model("core", "Sequence").objects.filter(name__regex=r"^[PR]-").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_sequence"),
        ("problems", "0003_referral_public_token"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
