"""Security-firms fixtures: an institution in Hamedan with a licensed guard, a site in
station HM01K01 and one in HM01K02, and a second province with its own institution."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kalantar.core.jalali import tehran_today
from kalantar.org import services as org_services
from kalantar.org.models import Unit
from kalantar.security_firms import services
from kalantar.security_firms.models import VettingCheck

# Valid national codes (their check digits hold).
CODES = ["0013542419", "0084575948", "0499370899", "0012345679", "0076543218", "0223344559"]
# A tiny JPEG header: enough for the content check.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200


@pytest.fixture
def registrar(make_user):
    return make_user("registrar", "security_registrar", "HM")


@pytest.fixture
def institution(org_tree):
    return services.create_institution(
        by=None,
        licence_number="HM-100",
        name="موسسه انتظام البرز",
        province=org_tree["HM"],
        licence_issued=date(2024, 1, 1),
        licence_expires=tehran_today() + timedelta(days=700),
        activities=["guarding", "escort", "event_security"],
        head_office_phone="09121234567",
    )


@pytest.fixture
def other_province(org_tree):
    return org_services.create_unit(
        by=None, code="KD", name="استان کردستان", kind=Unit.Kind.PROVINCE, parent=org_tree["IR"]
    )


@pytest.fixture
def other_institution(other_province):
    return services.create_institution(
        by=None,
        licence_number="KD-7",
        name="موسسه انتظام زاگرس",
        province=other_province,
        licence_issued=date(2024, 1, 1),
        licence_expires=tehran_today() + timedelta(days=700),
        activities=["guarding"],
    )


def make_applicant(institution, code: str, **fields):
    values = {
        "first_name": "علی",
        "last_name": "رضایی",
        "birth_date": date(1990, 5, 1),
        "activities": ["guarding"],
    }
    values.update(fields)
    return services.apply(by=None, institution=institution, national_code=code, **values)


def make_licensed(institution, code: str, *, by=None, **fields):
    guard = make_applicant(institution, code, **fields)
    for item in VettingCheck.Item.values:
        services.record_check(by=by, guard=guard, item=item, result="passed")
    services.record_training(
        by=by,
        guard=guard,
        course="آموزش پایه",
        hours=40,
        provider="مرکز آموزش",
        completed_on=tehran_today() - timedelta(days=3),
    )
    return services.issue_licence(by=by, guard=guard)


@pytest.fixture
def guard(institution):
    return make_licensed(institution, CODES[0])


@pytest.fixture
def site(institution, org_tree):
    return services.create_site(
        by=None, institution=institution, name="بانک مرکزی شعبه ۱", lon=48.55, lat=34.85
    )


@pytest.fixture
def site2(institution, org_tree):
    return services.create_site(
        by=None, institution=institution, name="بازار بزرگ", lon=48.65, lat=34.85
    )


@pytest.fixture
def shift_now(site):
    post = services.add_post(by=None, site=site, name="درب اصلی")
    now = timezone.now()
    return services.add_shift(
        by=None, post=post, starts_at=now - timedelta(hours=2), ends_at=now + timedelta(hours=6)
    )


@contextmanager
def refused(text: str):
    """The block is refused with a message containing `text` (as the user reads it)."""
    with pytest.raises(ValidationError) as caught:
        yield
    assert text in " ".join(caught.value.messages)
