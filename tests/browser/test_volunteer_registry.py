"""The volunteer registry in a real browser: a chief registers a volunteer on the map, finds
them by search and filter, requests and records the background check, and only then can give
them a duty; another station never sees them."""

from __future__ import annotations

import pytest

from kalantar.community import services
from kalantar.community.models import Assignment, Programme, Volunteer
from kalantar.org.models import Unit
from tests.browser.login import log_in
from tests.community.conftest import national_code, square

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def group(org_tree, make_user):
    chief = make_user("chief", "station_chief", "HM01K01")
    hood = services.add_neighbourhood(
        by=chief,
        station=Unit.objects.get(code="HM01K01"),
        name="محله مدرس",
        area=square(48.55, 34.85),
    )
    return services.add_group(
        by=chief, neighbourhood=hood, name="نگهبانان مدرس", programme=Programme.WATCH
    )


def test_register_find_vet_and_assign_a_volunteer(live_server, page, group, make_user):
    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/community/volunteers/")
    assert page.locator("#no-volunteers").is_visible()
    page.click("#new-volunteer")
    page.fill("#id_full_name", "زینب رحیمی")
    page.fill("#id_national_code", national_code(5))
    page.fill("#id_mobile", "09121234567")
    page.select_option("#id_group", str(group.pk))
    # Three corners clicked on the map draw the area.
    box = page.locator("#volunteer-map").bounding_box()
    for dx, dy in ((-60, -40), (60, -40), (0, 50)):
        page.mouse.click(box["x"] + box["width"] / 2 + dx, box["y"] + box["height"] / 2 + dy)
    assert '"Polygon"' in page.input_value("#id_area")
    page.click("#volunteer-form button[type=submit]")
    page.wait_for_url("**/community/volunteers/*/")
    volunteer = Volunteer.objects.get()
    assert volunteer.cells

    # Search by name and filter by the state of the check.
    page.goto(f"{live_server.url}/community/volunteers/")
    page.fill("#id_q", "رحیمی")
    page.select_option("#id_vetting", "none")
    page.click("#volunteer-filters button[type=submit]")
    assert page.locator("#volunteer-table").inner_text().count("زینب رحیمی") == 1
    page.select_option("#id_vetting", "cleared")
    page.click("#volunteer-filters button[type=submit]")
    assert page.locator("#no-volunteers").is_visible()

    # No duty before the check is answered.
    page.goto(f"{live_server.url}/community/volunteers/{volunteer.pk}/")
    page.fill("#assign-form [name=title]", "گشت شبانه")
    page.fill("#assign-form [name=starts_on]", "1405/09/10")
    page.click("#assign-form button[type=submit]")
    assert "پاسخی ندارد" in page.locator("#assign-form").inner_text()
    assert not Assignment.objects.exists()

    page.click("#request-check")
    page.select_option("#id_answer", "cleared")
    page.click("#record-answer")
    page.fill("#assign-form [name=title]", "گشت شبانه")
    page.fill("#assign-form [name=starts_on]", "1405/09/10")
    page.click("#assign-form button[type=submit]")
    page.wait_for_load_state()
    assert "گشت شبانه" in page.locator("#assignments").inner_text()
    assert Assignment.objects.get().volunteer == volunteer


def test_another_station_sees_an_empty_registry(live_server, page, group, make_user):
    services.register_volunteer(
        by=None,
        station=group.station,
        draft=services.VolunteerDraft(
            full_name="زینب رحیمی",
            national_code=national_code(5),
            mobile="09121234567",
            programme="watch",
            group=group,
        ),
    )
    make_user("chief2", "station_chief", "HM01K02")
    log_in(page, live_server, "chief2")
    page.goto(f"{live_server.url}/community/volunteers/")
    assert page.locator("#no-volunteers").is_visible()
    assert "زینب" not in page.content()
