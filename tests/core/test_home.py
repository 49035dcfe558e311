"""The staff home page is made of the cards the apps register: each user sees the cards
their unit and role call for, and the kernel names no domain."""

from __future__ import annotations

from kalantar.core import extensions
from kalantar.org import selectors
from tests.conftest import VerifiedClient


def _home(user) -> str:
    client = VerifiedClient()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_station_chief_sees_the_unit_and_complaints_cards(make_user):
    page = _home(make_user("chief", "station_chief", "HM01K01"))
    assert "کارکنان دارای حساب" in page  # the organisation's card
    assert "شکایات جاری" in page and "?overdue=1" in page  # the complaints' card
    assert "فرماندهی‌های انتظامی شهرستان" not in page  # a station has no counties below it


def test_a_role_without_complaints_gets_no_complaints_card(make_user):
    page = _home(make_user("dispatch", "dispatcher", "HM01K01"))
    assert "کارکنان دارای حساب" in page
    assert "?overdue=1" not in page


def test_cards_come_from_the_apps_in_their_order(make_user):
    names = [
        template
        for template, _ in extensions.home_cards(make_user("c", "station_chief", "HM01K01"))
    ]
    assert names == [
        "org/_home_card.html",
        "complaints/_home_card.html",
        "org/_home_map_card.html",
    ]


def test_a_commands_staff_figure_counts_the_staff_of_every_unit_below_it(make_user):
    make_user("chief", "station_chief", "HM01K01")
    make_user("desk", "desk_officer", "HM01K02")
    make_user("malayer", "station_chief", "HM02K01")
    gone = make_user("gone", "desk_officer", "HM01K01")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    county = make_user("county", "county_commander", "HM01")
    summary = selectors.unit_summary(county.unit)
    assert summary["members"] == 3  # the commander and the two stations' staff, not Malayer's
    assert summary["stations"] == 2
