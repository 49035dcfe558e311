from __future__ import annotations

import pytest

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
