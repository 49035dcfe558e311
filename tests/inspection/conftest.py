from __future__ import annotations

import pytest

from kalantar.org import services as org_services
from kalantar.org.models import Unit
from kalantar.people import services as people_services


@pytest.fixture
def inspector(make_user):
    return make_user("insp1", "inspector", "HMINS")


@pytest.fixture
def accused(make_user):
    officer = make_user("accused1", "desk_officer", "HM01K01")
    officer.first_name, officer.last_name = "کامران", "نیکو"
    officer.save()
    people_services.set_officer_profile(
        by=None, officer=officer, personnel_number="7001", rank="sergeant"
    )
    return officer


@pytest.fixture
def other_province(org_tree, make_user):
    """A second province with its own station, inspection office, officer and inspector."""
    province = org_services.create_unit(
        by=None, code="KR", name="استان کردستان", kind=Unit.Kind.PROVINCE, parent=org_tree["IR"]
    )
    county = org_services.create_unit(
        by=None, code="KR01", name="شهرستان سنندج", kind=Unit.Kind.COUNTY, parent=province
    )
    station = org_services.create_unit(
        by=None, code="KR01K01", name="کلانتری ۱۱ سنندج", kind=Unit.Kind.KALANTARI, parent=county
    )
    org_services.create_unit(
        by=None,
        code="KRINS",
        name="بازرسی استان کردستان",
        kind=Unit.Kind.INSPECTION,
        parent=province,
    )
    return {
        "station": station,
        "officer": make_user("kr_officer", "desk_officer", "KR01K01"),
        "inspector": make_user("kr_insp", "inspector", "KRINS"),
    }
