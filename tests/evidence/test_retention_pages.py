"""The chief's retention page (queued deletions with approve and undo, legal holds placed
and lifted with a reason, tombstones) and the weekly summary of coming deletions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kalantar.core import extensions
from kalantar.core.models import AuditEntry
from kalantar.evidence import services
from kalantar.evidence.models import Deletion, DeletionNotice, EvidenceItem, LegalHold
from tests.evidence.conftest import MP4, write


def _item(tmp_path, cameras, name: str, serial: str = "BWC-101", days_old: int = 91):
    path = write(tmp_path, name, MP4 + name.encode())
    item, _ = services.ingest_file(by=None, path=path, device=cameras[serial])
    EvidenceItem.objects.filter(pk=item.pk).update(
        title=f"clip {name.split('.')[0]}",
        category=EvidenceItem.Category.NO_VALUE,
        uploaded_at=timezone.now() - timedelta(days=days_old),
    )
    item.refresh_from_db()
    return item


@pytest.fixture
def items(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    services.check_out_camera(
        by=people["other_chief"], serial="BWC-201", officer=people["other_chief"]
    )
    return {
        "old": _item(tmp_path, cameras, "old.mp4"),
        "young": _item(tmp_path, cameras, "young.mp4", days_old=10),
        "theirs": _item(tmp_path, cameras, "theirs.mp4", serial="BWC-201"),
    }


@pytest.fixture
def chief(client, people):
    client.force_login(people["chief"])
    client.cookies["kalantar_language"] = "fa"
    return client


def test_the_chief_sees_only_their_stations_queue_and_undoes_a_deletion(chief, items):
    assert services.queue_expired() == 2  # old (K01) and theirs (K02)
    page = chief.get(reverse("evidence:retention")).content.decode()
    assert items["old"].title in page and items["theirs"].title not in page
    mine = Deletion.objects.get(item=items["old"])
    theirs = Deletion.objects.get(item=items["theirs"])
    url = reverse("evidence:deletion_act", args=[theirs.pk])
    assert chief.post(url, {"action": "undo"}).status_code == 404
    chief.post(reverse("evidence:deletion_act", args=[mine.pk]), {"action": "undo"})
    mine.refresh_from_db()
    assert mine.undone_at is not None
    assert items["old"].title not in chief.get(reverse("evidence:retention")).content.decode()


def test_approving_needs_a_reason_and_is_carried_out_after_the_week(chief, items):
    services.queue_expired()
    deletion = Deletion.objects.get(item=items["old"])
    url = reverse("evidence:deletion_act", args=[deletion.pk])
    chief.post(url, {"action": "approve", "reason": ""})
    deletion.refresh_from_db()
    assert deletion.approved_by is None  # nothing changed
    chief.post(url, {"action": "approve", "reason": "بدون ارزش"})
    deletion.refresh_from_db()
    assert deletion.approval_reason == "بدون ارزش"
    services.carry_out_due(now=deletion.due_at + timedelta(minutes=1))
    page = chief.get(reverse("evidence:retention")).content.decode()
    tombstones = page.split('id="tombstones"', 1)[1]
    assert deletion.sha256 in tombstones and "بدون ارزش" in tombstones


def test_a_hold_is_placed_and_lifted_with_a_reason(chief, items, people):
    url = reverse("evidence:hold_place")
    answer = chief.post(url, {"item": str(items["old"].pk), "reason": ""})
    assert answer.status_code == 400 and not LegalHold.objects.exists()
    answer = chief.post(url, {"item": str(items["theirs"].pk), "reason": "حکم"})
    assert answer.status_code == 400 and not LegalHold.objects.exists()  # another station's
    number = str(items["old"].pk).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    chief.post(url, {"item": number, "reason": "دستور دادسرا ۱۲"})
    hold = LegalHold.objects.get()
    assert hold.item == items["old"] and hold.placed_by == people["chief"]
    assert services.queue_expired() == 1  # only the other station's: the hold stops the clock
    lift = reverse("evidence:hold_lift", args=[hold.pk])
    chief.post(lift, {"reason": ""})
    hold.refresh_from_db()
    assert hold.lifted_at is None
    chief.post(lift, {"reason": "رأی دادگاه صادر شد"})
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lift_reason == "رأی دادگاه صادر شد"
    lifted = AuditEntry.objects.get(action="evidence.hold_lifted")
    assert lifted.detail == {"reason": "رأی دادگاه صادر شد"}


def test_a_desk_officer_may_not_open_the_page(client, people, items):
    client.force_login(people["desk"])
    assert client.get(reverse("evidence:retention")).status_code == 403


def test_the_weekly_summary_tells_each_chief_what_goes_in_the_coming_week(chief, items, people):
    job = {j.name: j for j in extensions.periodic_jobs()}["evidence_deletion_summary"]
    assert job.every_seconds == 7 * 86400
    assert job.run() is None  # nothing queued, nobody told
    services.queue_expired()
    assert job.run() is not None
    notices = {n.station: n for n in DeletionNotice.objects.all()}
    mine = notices[items["old"].station]
    assert mine.count == 1 and mine.unapproved == 1
    assert [e["item"] for e in mine.entries] == [items["old"].pk]
    assert notices[items["theirs"].station].entries[0]["item"] == items["theirs"].pk
    home = chief.get("/").content.decode()
    assert 'id="deletions-card"' in home
    assert 'id="deletion-notice"' in chief.get(reverse("evidence:retention")).content.decode()
    # A deletion due after the coming week is not in this week's notice.
    later = services.weekly_summary(now=timezone.now() - timedelta(days=30))
    assert later == 0
