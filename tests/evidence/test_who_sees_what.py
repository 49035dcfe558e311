"""Who sees which recording: the officer their own (and may not edit it), the chief the
station's, the province's inspection office the items linked to a conduct complaint."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kalantar.complaints.models import Category
from kalantar.evidence import selectors, services
from tests.evidence.conftest import MP4, PDF, write
from tests.factories import file_complaint


@pytest.fixture
def world(tmp_path, cameras, people, make_user):
    patrol = make_user("patrol1", "patrol_officer", "HM01K01")
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=patrol)
    own, _new = services.ingest_file(
        by=None, path=write(tmp_path, "own.mp4", MP4), device=cameras["BWC-101"]
    )
    services.check_in_camera(by=people["desk"], serial="BWC-101")
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    colleague, _new = services.ingest_file(
        by=None, path=write(tmp_path, "colleague.pdf", PDF), device=cameras["BWC-101"]
    )
    services.check_out_camera(
        by=people["other_chief"], serial="BWC-201", officer=people["other_chief"]
    )
    elsewhere, _new = services.ingest_file(
        by=None, path=write(tmp_path, "k02.mp4", MP4 + b"k02"), device=cameras["BWC-201"]
    )
    return {
        "patrol": patrol,
        "inspector": make_user("inspector1", "inspector", "HMINS"),
        "own": own,
        "colleague": colleague,
        "elsewhere": elsewhere,
    }


def _seen(user) -> set[str]:
    return {item.original_name for item in selectors.items_for(user)}


def test_the_officer_sees_only_their_own_and_cannot_change_it(client, world, people):
    patrol, own = world["patrol"], world["own"]
    assert own.recorded_by == patrol
    assert _seen(patrol) == {"own.mp4"}
    client.force_login(patrol)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(world["colleague"].get_absolute_url()).status_code == 404
    change = client.post(
        reverse("evidence:item_change", args=[own.pk]), {"title": "x", "category": "no_value"}
    )
    assert change.status_code == 403
    own.refresh_from_db()
    assert own.title != "x"
    page = client.get(own.get_absolute_url()).content.decode()
    assert reverse("evidence:item_change", args=[own.pk]) not in page


def test_each_chief_sees_their_stations_items(world, people):
    assert _seen(people["chief"]) == {"own.mp4", "colleague.pdf"}
    assert _seen(people["other_chief"]) == {"k02.mp4"}


def test_inspection_sees_items_linked_to_a_conduct_complaint_only(world, people):
    inspector = world["inspector"]
    assert _seen(inspector) == set()
    theft = file_complaint()
    services.link_complaint(by=people["chief"], item=world["own"], complaint=theft)
    assert _seen(inspector) == set()  # a station's complaint is not the inspectors'

    conduct = file_complaint(
        category=Category.objects.get(code="officer-conduct"), accused_officer="ستوان احمدی"
    )
    assert conduct.unit.code == "HMINS"
    services.link_complaint(by=people["other_chief"], item=world["elsewhere"], complaint=conduct)
    services.link_complaint(by=people["other_chief"], item=world["elsewhere"], complaint=conduct)
    assert _seen(inspector) == {"k02.mp4"}
    assert _seen(people["chief"]) == {"own.mp4", "colleague.pdf"}  # still not K02's
    assert list(selectors.items_for(inspector)) == [world["elsewhere"]]  # once, not per link
