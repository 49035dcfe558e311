"""The maps' place search, as a citizen and a desk officer use it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.complaints import services
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def recorded_place(org_tree):
    """A complaint at station HM01K01 whose place was written down."""
    return services.file_complaint(
        by=None,
        channel="online",
        draft=ComplaintDraft(
            category=Category.objects.get(code="home-burglary"),
            incident_at=timezone.now() - timedelta(hours=3),
            summary="سرقت از منزل",
            narrative="دیشب درب منزل را شکستند.",
            complainant_name="علی رضایی",
            national_code="0499370899",
            mobile="09121234567",
            lon=48.55,
            lat=34.85,
            location_text="میدان آرامگاه، جنب داروخانه",
        ),
    )


def _wait_for_the_map_to_centre_on_the_marker(page, map_selector: str) -> None:
    """The chosen point's pin sits in the middle of the map: the map moved to it (once its
    animation ends)."""
    page.wait_for_function(
        """(selector) => {
          const map = document.querySelector(selector).getBoundingClientRect();
          const pin = document.querySelector(`${selector} .leaflet-marker-icon`);
          if (!pin) return false;
          const p = pin.getBoundingClientRect();
          const x = p.left + p.width / 2, tip = p.bottom;  // the pin's tip
          return Math.abs(x - (map.left + map.width / 2)) < 20
            && Math.abs(tip - (map.top + map.height / 2)) < 20;
        }""",
        arg=map_selector,
        timeout=5000,
    )


def test_a_citizen_types_a_station_name_and_the_point_is_set_there(live_server, page, org_tree):
    page.goto(f"{live_server.url}/complaint/")
    page.wait_for_selector("#picker-map .place-label", state="attached")
    page.fill("#picker-map-search", "ملایر")
    page.wait_for_selector("#picker-map-places button")
    assert page.locator("#picker-map-places button").count() == 1
    page.click("#picker-map-places button")
    # The station of the chosen place handles the complaint, and the form holds the point.
    page.wait_for_function(
        "() => document.querySelector('#picked-station').textContent.includes('کلانتری ۱۱ ملایر')"
    )
    hq = org_tree["HM02K01"]
    assert float(page.input_value("#id_lat")) == pytest.approx(hq.hq_lat, abs=1e-5)
    assert float(page.input_value("#id_lon")) == pytest.approx(hq.hq_lon, abs=1e-5)
    _wait_for_the_map_to_centre_on_the_marker(page, "#picker-map")


def test_a_desk_officer_finds_an_address_recorded_before(
    live_server, page, make_user, recorded_place
):
    make_user("desk", "desk_officer", "HM01K01")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/complaints/new/")
    page.wait_for_selector("#picker-map path.leaflet-interactive")
    page.fill("#picker-map-search", "ميدان آرامگاه")  # typed with an Arabic yeh
    page.keyboard.press("Enter")  # the first place found, without submitting the form
    page.wait_for_function(
        "() => document.querySelector('#picked-station').textContent.includes('کلانتری ۱۱ همدان')"
    )
    assert float(page.input_value("#id_lat")) == pytest.approx(34.85)
    assert float(page.input_value("#id_lon")) == pytest.approx(48.55)
    assert page.input_value("#id_location_text") == "میدان آرامگاه، جنب داروخانه"
    _wait_for_the_map_to_centre_on_the_marker(page, "#picker-map")
    assert page.url.endswith("/complaints/new/")
