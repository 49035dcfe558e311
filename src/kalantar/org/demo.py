"""The demo: Hamedan province, its county commands, stations, outposts and one user per role.

The geometry is approximate demo data (see org/demo_geo.py), labelled as such wherever
it is shown.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from kalantar.core.extensions import demo_loaders
from kalantar.org import services
from kalantar.org.demo_geo import build_demo_geography
from kalantar.org.models import Unit
from kalantar.people import services as people_services
from kalantar.people.models import User
from kalantar.people.roles import role_label

DEMO_PASSWORD = "kalantar-demo"
NATIONAL_CODE = "IR"

# (username, role, unit code, first name, last name)
DEMO_USERS = (
    ("admin", "sysadmin", NATIONAL_CODE, "مدیر", "سامانه"),
    ("province", "province_commander", "HM", "علی", "رضایی"),
    ("county", "county_commander", "HM01", "محمد", "کریمی"),
    ("chief", "station_chief", "HM01K01", "حسین", "احمدی"),
    ("desk", "desk_officer", "HM01K01", "زهرا", "محمدی"),
    ("desk2", "desk_officer", "HM02K01", "مریم", "حسینی"),
    ("dispatcher", "dispatcher", "HM01K01", "رضا", "موسوی"),
    ("operator", "alarm_operator", "HM", "فاطمه", "کاظمی"),
    ("inspector", "inspector", "HMINS", "مهدی", "جعفری"),
    ("analyst", "analyst", "HM", "سارا", "نوری"),
    ("registrar", "security_registrar", "HM", "امیر", "قاسمی"),
)


def demo_loaded() -> bool:
    return Unit.objects.filter(code="HM").exists()


def demo_accounts() -> list[tuple[str, str, str]]:
    users = {u.username: u for u in User.objects.select_related("unit")}
    rows = []
    for username, role, _code, _first, _last in DEMO_USERS:
        user = users.get(username)
        if user is not None:
            rows.append((username, str(role_label(role)), user.unit.name if user.unit else ""))
    return rows


def load_demo(progress: Callable[[str], None] = lambda msg: None) -> list[tuple[str, str, str]]:
    geo = build_demo_geography()
    with transaction.atomic():
        nation = services.create_unit(
            by=None,
            code=NATIONAL_CODE,
            name="فرماندهی انتظامی کل کشور",
            name_en="National Police Command",
            kind=Unit.Kind.NATIONAL,
        )
        province = services.create_unit(
            by=None,
            code=geo.province.code,
            name="فرماندهی انتظامی استان همدان",
            name_en="Hamadan Provincial Police Command",
            kind=Unit.Kind.PROVINCE,
            parent=nation,
        )
        services.create_unit(
            by=None,
            code="HMINS",
            name="بازرسی فرماندهی انتظامی استان همدان",
            name_en="Hamadan Provincial Inspection Office",
            kind=Unit.Kind.INSPECTION,
            parent=province,
        )
        progress(f"province {province.code} and its inspection office")
        for county in geo.counties:
            services.create_unit(
                by=None,
                code=county.code,
                name=f"فرماندهی انتظامی شهرستان {county.name_fa}",
                name_en=f"{county.name_en} County Police Command",
                kind=Unit.Kind.COUNTY,
                parent=province,
                hq_lon=county.seat_lon,
                hq_lat=county.seat_lat,
            )
        progress(f"{len(geo.counties)} county commands")
        result = services.import_jurisdictions(by=None, data=geo.to_feature_collection())
        progress(f"{result.created} stations and outposts with their jurisdictions")
        for username, role, code, first, last in DEMO_USERS:
            user = people_services.add_user(
                by=None,
                username=username,
                role=role,
                unit_code=code,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                check_password=False,
            )
            if role == "sysadmin":
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
        progress(f"{len(DEMO_USERS)} demo users")
    # Each domain app adds its own demo records (complaints, alarms, incidents, …).
    for loader in demo_loaders():
        with transaction.atomic():
            loader.load(progress)
    return demo_accounts()
