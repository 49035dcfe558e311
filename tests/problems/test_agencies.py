"""The agency registry: registering agencies and who may see them."""

from __future__ import annotations

from django.urls import reverse

from kalantar.core.models import AuditEntry
from kalantar.problems.models import Agency


def test_county_registers_an_agency_with_a_contact_and_a_duplicate_is_refused(
    client, county, org_tree
):
    client.force_login(county)
    data = {
        "name": "شهرداري همدان",  # Arabic yeh: stored with the Persian letter
        "kind": "municipality",
        "unit": org_tree["HM01"].pk,
        "email": "city@hamedan.example",
        "contact_name": "مهندس رحیمی",
        "contact_title": "معاون خدمات شهری",
    }
    response = client.post(reverse("problems:agency_new"), data)
    assert response.status_code == 302
    agency = Agency.objects.get()
    assert agency.name == "شهرداری همدان" and agency.contacts.get().name == "مهندس رحیمی"
    assert AuditEntry.objects.filter(action="problems.agency.create").count() == 1
    again = client.post(reverse("problems:agency_new"), data)
    assert again.status_code == 200
    assert "دستگاهی با این نام پیش‌تر این‌جا ثبت شده است" in again.content.decode()
    assert Agency.objects.count() == 1


def test_agencies_registered_in_one_county_are_not_offered_to_another(
    client, county, chief, other_chief, org_tree
):
    client.force_login(county)
    client.post(
        reverse("problems:agency_new"),
        {"name": "بهزیستی همدان", "kind": "welfare", "unit": org_tree["HM01"].pk},
    )
    assert Agency.objects.visible_to(chief).count() == 1  # a station of that county
    assert Agency.objects.visible_to(other_chief).count() == 0  # a station of Malayer


def test_a_station_chief_cannot_register_agencies(client, chief):
    client.force_login(chief)
    assert client.get(reverse("problems:agency_new")).status_code == 403
