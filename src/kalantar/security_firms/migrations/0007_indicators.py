"""The published indicators institutions are assessed against each year; the register may
add or retire indicators later, and an assessment keeps the ones it was scored on."""

from django.db import migrations

INDICATORS = [
    ("A1", "گزینش نگهبانان طبق دستورالعمل", "Guards selected by the selection standard"),
    ("A2", "آموزش پیش از گمارش و آموزش سالانه", "Training before deployment and every year"),
    ("A3", "پروانهٔ معتبر همهٔ نگهبانان در پست", "A valid licence for every guard at a post"),
    ("A4", "ثبت لوح نگهبانی و گشت‌ها", "Rosters and guard tours recorded"),
    ("A5", "گزارش به‌موقع رخدادها به کلانتری", "Incidents reported to the station on time"),
    ("A6", "نظارت میدانی مدیران بر پست‌ها", "Managers supervise the posts in the field"),
    ("A7", "تجهیزات و پوشش استاندارد", "Standard equipment and uniform"),
    ("A8", "رسیدگی به شکایت‌های کارفرمایان و مردم", "Complaints of clients and the public handled"),
]


def publish(apps, schema_editor):
    Indicator = apps.get_model("security_firms", "Indicator")
    for position, (code, title, title_en) in enumerate(INDICATORS, start=1):
        Indicator.objects.get_or_create(
            code=code, defaults={"title": title, "title_en": title_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("security_firms", "0006_assessments_sanctions")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
