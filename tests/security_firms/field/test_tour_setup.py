"""The institution sets up a site's checkpoints and plans and gives its guards phone links;
bad input stores nothing; another institution and station staff cannot."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kalantar.security_firms import tours
from kalantar.security_firms.models import Checkpoint, GuardPhone, TourPlan
from tests.security_firms.field.conftest import desk_user

pytestmark = pytest.mark.django_db


def _checkpoint(site, **fields):
    values = {"name": "درِ پشتی", "kind": "qr", "nfc_tag": "", "point": (site.lon, site.lat)}
    return tours.add_checkpoint(by=None, site=site, **{**values, **fields})


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " "}, "name"),
        ({"kind": "nfc"}, "nfc_tag"),
        ({"point": (48.58, 34.85)}, "location"),
        ({"point": (200.0, 34.85)}, "location"),
    ],
)
def test_a_bad_checkpoint_is_refused(site, fields, field):
    with pytest.raises(ValidationError) as error:
        _checkpoint(site, **fields)
    assert field in error.value.message_dict
    assert not Checkpoint.objects.exists()


def test_an_nfc_tag_belongs_to_one_checkpoint(site):
    _checkpoint(site, kind="nfc", nfc_tag="04:A2")
    with pytest.raises(ValidationError):
        _checkpoint(site, name="انبار", kind="nfc", nfc_tag="04:A2")
    assert Checkpoint.objects.count() == 1


def test_a_plan_orders_its_checkpoints_by_their_times(site):
    gate, store = _checkpoint(site), _checkpoint(site, name="انبار")
    plan = tours.add_plan(
        by=None,
        site=site,
        name="گشت شب",
        start_times="۲۳:۳۰، 01:00",
        tolerance_minutes=5,
        stops=[(store, 15), (gate, 0)],
    )
    assert plan.start_times == "01:00, 23:30"
    assert [s.checkpoint for s in plan.stops.order_by("order")] == [gate, store]


@pytest.mark.parametrize(
    ("start_times", "stops", "field"), [("ساعت ده", True, "start_times"), ("22:00", False, "stops")]
)
def test_a_bad_plan_is_refused(site, start_times, stops, field):
    gate = _checkpoint(site)
    with pytest.raises(ValidationError) as error:
        tours.add_plan(
            by=None,
            site=site,
            name="گشت",
            start_times=start_times,
            tolerance_minutes=5,
            stops=[(gate, 0)] if stops else [],
        )
    assert field in error.value.message_dict
    assert not TourPlan.objects.exists()


def test_the_institution_sets_up_its_site_from_its_desk(client, site, other_institution, chief1):
    url = f"/guards/sites/{site.pk}/setup/"
    client.force_login(desk_user("desk-alvand", site.institution))
    response = client.post(
        url,
        {
            "action": "checkpoint",
            "name": "درِ ورودی",
            "kind": "qr",
            "lon": "48.5501",
            "lat": "34.85",
        },
    )
    assert response.status_code == 302
    gate = Checkpoint.objects.get()
    response = client.post(
        url,
        {
            "action": "plan",
            "name": "گشت شب",
            "start_times": "22:00",
            "tolerance_minutes": "10",
            f"minutes_{gate.pk}": "0",
        },
    )
    assert response.status_code == 302 and TourPlan.objects.get().stops.count() == 1
    page = client.get(url).content.decode()
    # The map picker: a static script, the site's point and the checkpoints so far.
    assert 'id="checkpoint-map"' in page and "security_firms/checkpoint_picker.js" in page
    assert f'data-lat="{site.lat}"' in page and "48.5501" in page
    client.force_login(desk_user("desk-amin", other_institution))
    assert client.get(url).status_code == 404
    client.force_login(chief1)
    assert client.get(url).status_code == 404


def test_the_institution_gives_its_guard_a_phone_link_shown_once(client, guard, other_institution):
    client.force_login(desk_user("desk-alvand", guard.institution))
    page = client.post(f"/guards/institution/guards/{guard.pk}/phone/").content.decode()
    phone = GuardPhone.objects.get()
    assert f"/guards/phone/{phone.prefix}" in page
    client.force_login(desk_user("desk-amin", other_institution))
    assert client.post(f"/guards/institution/guards/{guard.pk}/phone/").status_code == 404
    assert GuardPhone.objects.count() == 1
