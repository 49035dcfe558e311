"""The programme on the test tree: year 1405 with the draft framework, HM01K01 and HM01K02
enrolled, HM02K01 not."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from kalantar.transformation import services
from kalantar.transformation.models import Enrolment


@pytest.fixture
def year(org_tree):
    return services.create_year(by=None, year=1405, title="طرح تحول ۱۴۰۵", title_en="1405")


@pytest.fixture
def enrolled(year, org_tree):
    wave = services.open_wave(by=None, year=year, starts_on=date(2026, 4, 1))
    services.enrol(by=None, wave=wave, stations=[org_tree["HM01K01"], org_tree["HM01K02"]])
    return {e.station.code: e for e in Enrolment.objects.select_related("station")}


@pytest.fixture
def inspector(make_user):
    return make_user("insp", "inspector", "HMINS")


@pytest.fixture
def office(make_user):
    return make_user("office", "programme_office", "IR")


def first_characteristic(year):
    area = year.areas.first()
    return area.questions.first().characteristics.first()


@pytest.fixture(autouse=True)
def _empty_cache():
    """The progress pages keep their figures in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()
