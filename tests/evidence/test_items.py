"""Evidence items: who may see them, and the custody chain of every act on them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kalantar.core.models import AuditEntry
from kalantar.evidence import services
from kalantar.evidence.models import EvidenceItem
from tests.evidence.conftest import MP4, PDF, write


@pytest.fixture
def items(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    services.check_out_camera(
        by=people["other_chief"], serial="BWC-201", officer=people["other_chief"]
    )
    mine, _new = services.ingest_file(
        by=None, path=write(tmp_path, "k01.mp4", MP4), device=cameras["BWC-101"]
    )
    theirs, _new = services.ingest_file(
        by=None, path=write(tmp_path, "k02.pdf", PDF), device=cameras["BWC-201"]
    )
    return mine, theirs


def test_a_station_cannot_see_or_fetch_another_stations_items(client, items, people):
    mine, theirs = items
    client.force_login(people["chief"])
    listing = client.get(reverse("evidence:items")).content.decode()
    assert mine.get_absolute_url() in listing and theirs.get_absolute_url() not in listing
    for name in ("evidence:item", "evidence:item_download"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert (
        client.post(
            reverse("evidence:item_change", args=[theirs.pk]),
            {"title": "x", "category": "incident"},
        ).status_code
        == 404
    )
    assert not AuditEntry.objects.filter(object_id=str(theirs.pk), actor=people["chief"]).exists()


def test_every_act_on_an_item_is_in_its_custody_chain(client, items, people):
    mine, _theirs = items
    client.force_login(people["chief"])
    client.cookies["kalantar_language"] = "fa"
    assert client.get(reverse("evidence:item", args=[mine.pk])).status_code == 200
    download = client.get(reverse("evidence:item_download", args=[mine.pk]))
    assert b"".join(download.streaming_content) == MP4
    response = client.post(
        reverse("evidence:item_change", args=[mine.pk]),
        {"title": "بازداشت در میدان", "category": EvidenceItem.Category.INCIDENT},
    )
    assert response.status_code == 302
    page = client.get(reverse("evidence:item", args=[mine.pk])).content.decode()
    for label in ("بارگذاری مدرک", "مشاهدهٔ مدرک", "دریافت پروندهٔ مدرک", "تغییر عنوان یا دستهٔ مدرک"):
        assert label in page
    actions = list(
        AuditEntry.objects.filter(object_type="evidence.evidenceitem", object_id=str(mine.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "evidence.uploaded",
        "evidence.flagged_for_review",  # the padded MP4 header is no playable video
        "evidence.item_viewed",
        "evidence.item_downloaded",
        "evidence.item_changed",
        "evidence.item_viewed",
    ]
    mine.refresh_from_db()
    assert (mine.title, mine.category) == ("بازداشت در میدان", EvidenceItem.Category.INCIDENT)


def test_a_desk_officer_may_not_change_an_item(client, items, people):
    mine, _theirs = items
    client.force_login(people["desk"])
    response = client.post(
        reverse("evidence:item_change", args=[mine.pk]), {"title": "x", "category": "incident"}
    )
    assert response.status_code == 403


def test_items_carry_the_province_of_their_station(items, org_tree):
    mine, theirs = items
    assert {mine.province_id, theirs.province_id} == {org_tree["HM"].pk}
