"""Where a complaint goes, and who prints its receipt: the desk that took a complaint prints
it even when the complaint leaves for another unit at once, and still cannot open it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.receipts import generate_private_key_text
from kalantar.people.services import create_token
from tests.complaints.conftest import INSIDE_K02
from tests.complaints.test_desk import form


@pytest.fixture
def desk(make_user):
    return make_user("desk", "desk_officer", "HM01K01")


def _file_at_the_desk(client, user, **overrides) -> tuple[Complaint, object]:
    client.force_login(user)
    response = client.post(reverse("complaints:new"), form(**overrides))
    assert response.status_code == 302, response.context["form"].errors
    return Complaint.objects.get(), client.get(response["Location"])


@pytest.mark.parametrize(
    ("overrides", "handled_by"),
    [
        ({"lat": str(INSIDE_K02["lat"]), "lon": str(INSIDE_K02["lon"])}, "HM01K02"),
        ({"accused_officer": "ستوان احمدی"}, "HMINS"),
    ],
    ids=["neighbouring-station", "conduct"],
)
def test_the_desk_prints_the_receipt_of_a_complaint_routed_away(
    desk, make_user, client, overrides, handled_by
):
    complaint, receipt = _file_at_the_desk(client, desk, **overrides)
    assert complaint.unit.code == handled_by
    assert receipt.status_code == 200
    page = receipt.content.decode()
    assert 'id="tracking-code"' in page and "<svg" in page
    # Only the receipt: the complaint itself stays out of the desk's reach.
    assert (
        client.get(reverse("complaints:detail", args=[complaint.tracking_code])).status_code == 404
    )
    assert reverse("complaints:detail", args=[complaint.tracking_code]) not in page
    # Authorised by who took it: a colleague at the same desk does not get it either.
    client.force_login(make_user("desk-b", "desk_officer", "HM01K01"))
    url = reverse("complaints:receipt", args=[complaint.tracking_code])
    assert client.get(url).status_code == 404


def test_the_handling_station_still_prints_the_receipt(desk, make_user, client):
    complaint, _ = _file_at_the_desk(
        client, desk, lat=str(INSIDE_K02["lat"]), lon=str(INSIDE_K02["lon"])
    )
    client.force_login(make_user("desk2", "desk_officer", "HM01K02"))
    url = reverse("complaints:receipt", args=[complaint.tracking_code])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("category", ["home-burglary", "lost-documents", "harassment"])
def test_a_complaint_naming_an_officer_goes_to_inspection_whatever_its_category(
    file, make_user, category
):
    picked = Category.objects.get(code=category)
    assert picked.route == Category.Route.STATION
    complaint = file(category=picked, accused_officer="  ستوان احمدی ")
    assert complaint.unit.code == "HMINS" and complaint.routed_unit.code == "HM01K01"
    chief = make_user("chief", "station_chief", "HM01K01")
    assert not Complaint.objects.visible_to(chief).filter(pk=complaint.pk).exists()
    inspector = make_user("inspector", "inspector", "HMINS")
    assert Complaint.objects.visible_to(inspector).filter(pk=complaint.pk).exists()


def test_a_blank_officer_name_does_not_route_to_inspection(file):
    assert file(accused_officer="   ").unit.code == "HM01K01"


def test_the_api_routes_a_complaint_naming_an_officer_to_inspection(client, make_user):
    desk = make_user("desk", "desk_officer", "HM01K01")
    _token, raw = create_token(by=None, user=desk)
    payload = {
        "category": "home-burglary",
        "incident_at": "2026-01-01T10:00:00+03:30",
        "summary": "رفتار نامناسب",
        "narrative": "مأمور گشت هنگام ثبت گزارش سرقت توهین کرد.",
        "complainant_name": "علی رضایی",
        "national_code": "0499370899",
        "accused_officer": "ستوان احمدی",
        "lat": 34.85,
        "lon": 48.55,
    }
    response = client.post(
        "/api/complaints",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content
    assert Complaint.objects.get().unit.code == "HMINS"


def _verify_url(page: str) -> str:
    return re.search(r'data-verify-url="([^"]+)"', page).group(1)


def test_the_receipt_address_follows_the_served_address_in_development(desk, client, settings):
    complaint, _ = _file_at_the_desk(client, desk)
    url = reverse("complaints:receipt", args=[complaint.tracking_code])
    settings.PRODUCTION = False
    page = client.get(url, HTTP_HOST="127.0.0.1:8123").content.decode()
    assert _verify_url(page).startswith("http://127.0.0.1:8123/r/")
    assert "http://127.0.0.1:8123/track/" in page


def test_production_receipts_use_site_url_whatever_the_host(desk, client, settings):
    complaint, _ = _file_at_the_desk(client, desk)
    url = reverse("complaints:receipt", args=[complaint.tracking_code])
    settings.PRODUCTION = True
    settings.RECEIPT_SIGNING_KEY = generate_private_key_text()
    settings.SITE_URL = "https://kalantar.example/"
    page = client.get(url, HTTP_HOST="127.0.0.1:8123").content.decode()
    assert _verify_url(page).startswith("https://kalantar.example/r/")
