"""Fixtures of the tour, report and review tests: an institution of Hamedan with a guard and
a site in each of the two stations (HM01K01 at 48.5–48.6°E, HM01K02 at 48.6–48.7°E)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from kalantar.core.persian import to_persian_digits
from kalantar.security_firms import tour_codes, tours
from kalantar.security_firms.models import (
    Checkpoint,
    ContractSite,
    Guard,
    Institution,
    InstitutionStaff,
    TourPlan,
    TourStop,
)
from kalantar.security_firms.tour_rules import TEHRAN
from tests.conftest import PASSWORD

# Valid national codes (check digit included).
GUARD_CODE, OTHER_GUARD_CODE, COMPLAINANT_CODE = "0084575948", "0013542419", "0499370899"


def make_institution(province, licence: str, name: str) -> Institution:
    today = date.today()
    return Institution.objects.create(
        licence_number=licence,
        name=name,
        province=province,
        licence_issued=today - timedelta(days=100),
        licence_expires=today + timedelta(days=300),
    )


def make_guard(institution, code: str, **fields) -> Guard:
    defaults = {
        "first_name": "مجید",
        "last_name": "سلیمانی",
        "birth_date": date(1990, 1, 1),
        "status": Guard.Status.ACTIVE,
        "licence_number": f"G-{code}",
    }
    return Guard.objects.create(
        institution=institution, national_code=code, **{**defaults, **fields}
    )


def make_site(institution, station, lon: float, lat: float, name: str) -> ContractSite:
    return ContractSite.objects.create(
        institution=institution, name=name, lon=lon, lat=lat, station=station
    )


def desk_user(username: str, institution):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    InstitutionStaff.objects.create(user=user, institution=institution)
    return user


@pytest.fixture
def institution(org_tree):
    return make_institution(org_tree["HM"], "HM-001", "موسسه نگاهبان الوند")


@pytest.fixture
def other_institution(org_tree):
    return make_institution(org_tree["HM"], "HM-002", "موسسه پاسداران امین")


@pytest.fixture
def guard(institution):
    return make_guard(institution, GUARD_CODE)


@pytest.fixture
def site(institution, org_tree):
    return make_site(institution, org_tree["HM01K01"], 48.55, 34.85, "فروشگاه الوند")


@pytest.fixture
def site2(institution, org_tree):
    return make_site(institution, org_tree["HM01K02"], 48.65, 34.85, "انبار مرکزی")


@pytest.fixture
def plan(site):
    """Three checkpoints about 100 m apart, due 0, 10 and 20 minutes after 22:00 and 02:00."""
    plan = TourPlan.objects.create(
        site=site, name="گشت شبانه", start_times="22:00, 02:00", tolerance_minutes=5
    )
    for order in (1, 2, 3):
        checkpoint = Checkpoint.objects.create(
            site=site,
            name=f"نقطه {to_persian_digits(order)}",
            lon=site.lon + order * 0.001,
            lat=site.lat,
        )
        TourStop.objects.create(
            plan=plan, checkpoint=checkpoint, order=order, minutes_after_start=(order - 1) * 10
        )
    return plan


def stops(plan) -> list[TourStop]:
    return list(plan.stops.select_related("checkpoint").order_by("order"))


def last_start(hour: int = 22) -> datetime:
    """The latest 22:00 (or `hour`) in Tehran at least two hours ago."""
    now = timezone.now().astimezone(TEHRAN)
    start = datetime.combine(now.date(), time(hour), tzinfo=TEHRAN)
    while start > now - timedelta(hours=2):
        start -= timedelta(days=1)
    return start


def code_at(checkpoint, at: datetime, key: bytes | None = None) -> str:
    return tour_codes.make_code(key or tours.tour_key(), checkpoint.pk, at)
