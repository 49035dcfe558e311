from django.db import migrations

# code, Persian name, English name, route, anonymous allowed, referred to an agency,
# first action (hours), closure (days)
CATEGORIES = [
    ("vehicle-theft", "سرقت خودرو", "Vehicle theft", "station", False, False, 4, 60),
    (
        "theft-from-vehicle",
        "سرقت از خودرو",
        "Theft from a vehicle",
        "station",
        False,
        False,
        24,
        45,
    ),
    ("home-burglary", "سرقت از منزل", "Home burglary", "station", False, False, 4, 60),
    ("shop-burglary", "سرقت از مغازه", "Shop burglary", "station", False, False, 4, 60),
    (
        "snatching",
        "کیف‌قاپی و جیب‌بری",
        "Snatching or pickpocketing",
        "station",
        False,
        False,
        12,
        45,
    ),
    (
        "fraud",
        "کلاهبرداری (از جمله برخط)",
        "Fraud (including online)",
        "station",
        False,
        False,
        48,
        90,
    ),
    ("assault", "ضرب و جرح و نزاع", "Assault or fight", "station", False, False, 4, 30),
    ("threat", "تهدید", "Threat", "station", False, False, 12, 30),
    ("harassment", "مزاحمت", "Harassment", "station", False, False, 24, 30),
    ("lost-documents", "مفقودی مدارک", "Lost documents", "station", False, False, 48, 14),
    ("missing-person", "فقدان فرد", "Missing person", "station", False, False, 1, 30),
    ("noise", "مزاحمت صوتی و ایجاد مزاحمت", "Noise or nuisance", "station", True, False, 24, 14),
    (
        "public-hazard",
        "خطر در فضای عمومی (ارجاع به دستگاه مسئول)",
        "Public-space hazard for another agency",
        "station",
        True,
        True,
        48,
        30,
    ),
    ("officer-conduct", "رفتار مأموران", "Officer conduct", "inspection", False, False, 24, 30),
    ("other", "سایر", "Other", "station", False, False, 48, 30),
]


def add_categories(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for order, (code, name, name_en, route, anonymous, refer, hours, days) in enumerate(CATEGORIES):
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "route": route,
                "anonymous_allowed": anonymous,
                "refer_to_agency": refer,
                "first_action_hours": hours,
                "closure_days": days,
                "sort_order": (order + 1) * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_initial")]
    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
