from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest

from kalantar.core.jalali import TEHRAN, tehran_today
from kalantar.org.models import Unit
from kalantar.problems import services
from kalantar.problems.drafts import AgencyDraft, ProblemDraft

# Inside the square of station HM01K01 (48.5–48.6 E, 34.8–34.9 N).
K01_POINT = (48.55, 34.85)


@pytest.fixture
def chief(make_user):
    return make_user("chief", "station_chief", "HM01K01")


@pytest.fixture
def other_chief(make_user):
    return make_user("chief2", "station_chief", "HM02K01")


@pytest.fixture
def county(make_user):
    return make_user("county", "county_commander", "HM01")


@pytest.fixture
def municipality(org_tree):
    return services.create_agency(
        by=None,
        unit=org_tree["HM"],
        draft=AgencyDraft(
            name="شهرداری همدان",
            name_en="Hamedan Municipality",
            kind="municipality",
            email="city@hamedan.example",
            contacts=[{"name": "مهندس رحیمی", "email": "rahimi@hamedan.example"}],
        ),
    )


@pytest.fixture
def problem(org_tree, chief):
    today = tehran_today()
    return services.open_problem(
        by=chief,
        unit=org_tree["HM01K01"],
        origin="manual",
        draft=ProblemDraft(
            title="سرقت از منزل در محله",
            period_start=today - timedelta(days=27),
            period_end=today,
            categories=["home-burglary"],
        ),
    )


@pytest.fixture
def referral(problem, municipality, chief):
    return services.send_referral(
        by=chief,
        problem=problem,
        agency=municipality,
        subject="روشنایی معابر",
        evidence="افزایش سرقت شبانه در کوچه‌های تاریک",
        ask="ترمیم چراغ‌های خاموش",
        deadline=tehran_today() + timedelta(days=10),
    )


def at_day(day, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TEHRAN)


def station(org_tree, code: str) -> Unit:
    return org_tree[code]
