"""The community admin screens: areas and groups renamed, the rest read only, each station's
rows only, and never a subscriber's number."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kalantar.community import services
from kalantar.community.models import HoursEntry, Neighbourhood
from kalantar.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin1(make_user):
    return make_user("sysadmin1", "sysadmin", "HM01K01")


def test_an_admin_renames_a_neighbourhood_and_it_is_audited(client, admin1, hood1):
    client.force_login(admin1)
    url = reverse("admin:community_neighbourhood_change", args=[hood1.pk])
    response = client.post(url, {"name": "محله مدرس شمالی", "name_en": "North Modarres"})
    assert response.status_code == 302, response.content.decode()[:1500]
    hood1.refresh_from_db()
    assert hood1.name == "محله مدرس شمالی" and hood1.cells  # the drawn cells stay
    assert AuditEntry.objects.filter(action="admin.change", actor=admin1).exists()


def test_the_admin_lists_only_the_admins_station(client, admin1, group1, group2, make_volunteer):
    make_volunteer(group1, "زهرا احمدی")
    make_volunteer(group2, "رضا کاظمی")
    client.force_login(admin1)
    html = client.get(reverse("admin:community_volunteer_changelist")).content.decode()
    assert "زهرا احمدی" in html and "رضا کاظمی" not in html
    hoods = client.get(reverse("admin:community_neighbourhood_changelist")).content.decode()
    assert "محله مدرس" in hoods and "محله خضر" not in hoods
    other = Neighbourhood.objects.get(name="محله خضر")
    page = client.get(reverse("admin:community_neighbourhood_change", args=[other.pk]))
    assert page.status_code == 302  # another station's area is not there to open


def test_consent_records_show_no_number(client, admin1, hood1, hood2, subscribe):
    mine, theirs = subscribe(hood1), subscribe(hood2)
    client.force_login(admin1)
    html = client.get(reverse("admin:community_subscriber_changelist")).content.decode()
    assert mine.mobile not in html and "0935" not in html
    opened = client.get(reverse("admin:community_subscriber_change", args=[mine.pk]))
    assert opened.status_code == 200 and mine.mobile not in opened.content.decode()
    refused = client.get(reverse("admin:community_subscriber_change", args=[theirs.pk]))
    assert refused.status_code == 302


def test_hours_cannot_be_deleted_from_the_admin(client, admin1, group1, make_volunteer, chief1):
    volunteer = make_volunteer(group1)
    entry = services.log_hours(
        by=chief1,
        volunteer=volunteer,
        worked_on=timezone.localdate(),
        hours=Decimal("2"),
        note="گشت شبانه",
    )
    client.force_login(admin1)
    response = client.post(
        reverse("admin:community_hoursentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert HoursEntry.objects.filter(pk=entry.pk).exists()
