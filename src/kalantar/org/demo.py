"""The demo: Hamedan province, its county commands, stations and outposts; then every
app's own demo records (the users are the people app's).

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

NATIONAL_CODE = "IR"


def demo_loaded() -> bool:
    return Unit.objects.filter(code="HM").exists()


def load_demo(progress: Callable[[str], None] = lambda msg: None) -> None:
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
    # Each domain app adds its own demo records (complaints, alarms, incidents, …).
    for loader in demo_loaders():
        with transaction.atomic():
            loader.load(progress)
