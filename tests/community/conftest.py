"""Fixtures of the community tests: a neighbourhood and a group at each of two stations."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.cache import cache

from kalantar.community import services
from kalantar.community.models import CheckAnswer, Programme
from kalantar.core import sms
from kalantar.core.sms import LocmemSmsBackend
from kalantar.core.validators import national_code_check_digit
from kalantar.org.models import Unit


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def national_code(n: int) -> str:
    first = f"{1000000 + n * 7919:09d}"
    return first + str(national_code_check_digit(first))


@pytest.fixture
def outbox(settings):
    settings.SMS_BACKEND = "kalantar.core.sms.LocmemSmsBackend"
    sms._backend.cache_clear()
    LocmemSmsBackend.outbox.clear()
    cache.clear()
    yield LocmemSmsBackend.outbox
    sms._backend.cache_clear()
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def hood1(org_tree, chief1):
    return services.add_neighbourhood(
        by=chief1,
        station=Unit.objects.get(code="HM01K01"),
        name="محله مدرس",
        area=square(48.55, 34.85),
    )


@pytest.fixture
def hood2(org_tree, chief2):
    return services.add_neighbourhood(
        by=chief2,
        station=Unit.objects.get(code="HM01K02"),
        name="محله خضر",
        area=square(48.65, 34.85),
    )


@pytest.fixture
def group1(hood1, chief1):
    return services.add_group(
        by=chief1, neighbourhood=hood1, name="نگهبانان مدرس", programme=Programme.WATCH
    )


@pytest.fixture
def group2(hood2, chief2):
    return services.add_group(
        by=chief2, neighbourhood=hood2, name="همیاران خضر", programme=Programme.HELPERS
    )


@pytest.fixture
def make_volunteer(chief1):
    counter = iter(range(1, 10_000))

    def make(group, name="مهدی کرمی", *, vetted=True, by=None):
        n = next(counter)
        volunteer = services.register_volunteer(
            by=by or chief1,
            station=group.station,
            draft=services.VolunteerDraft(
                full_name=name,
                national_code=national_code(n),
                mobile=f"0912{1000000 + n:07d}",
                programme=group.programme,
                group=group,
            ),
        )
        if vetted:
            services.request_check(by=by or chief1, volunteer=volunteer)
            services.answer_check(
                by=by or chief1,
                volunteer=volunteer,
                answer=CheckAnswer.CLEARED,
                letter="۱۲",
                references="",
            )
        return volunteer

    return make


@pytest.fixture
def subscribe():
    counter = iter(range(1, 10_000))

    def make(hood, topics=("burglary",), *, min_priority=1, quiet=None):
        n = next(counter)
        return services.subscribe(
            draft=services.SubscriptionDraft(
                neighbourhood=hood,
                mobile=f"0935{2000000 + n:07d}",
                kind="resident",
                topics=list(topics),
                min_priority=min_priority,
                quiet_from=quiet[0] if quiet else None,
                quiet_to=quiet[1] if quiet else None,
            )
        )

    return make


ALWAYS_QUIET = (time(0, 0), time(23, 59))
TODAY = date.today
