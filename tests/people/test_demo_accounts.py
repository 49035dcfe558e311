"""The demo's account list names what every account is, even one without a station role."""

from __future__ import annotations

import pytest
from django.utils import translation

from kalantar.people.demo import demo_accounts
from kalantar.people.models import User

pytestmark = pytest.mark.django_db


def test_an_institution_desk_without_a_role_is_named_for_what_it_is():
    User.objects.create_user(username="institution-desk", password="x" * 16)
    with translation.override("fa"):
        rows = {username: role for username, role, _unit in demo_accounts()}
    assert rows["institution-desk"] == "میز یک موسسهٔ انتظامی"


def test_an_account_with_a_role_is_named_by_it(make_user):
    liaison = make_user("liaison", "community_officer", "HM01K01")
    with translation.override("en"):
        rows = {username: (role, unit) for username, role, unit in demo_accounts()}
    assert rows["liaison"] == ("Community liaison officer", liaison.unit.name)
