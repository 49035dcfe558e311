"""Share links for a prosecutor or a court: shown once, revocable, expiring; every opening
in the custody chain; the receipt acknowledged before the recording opens."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kalantar.core.models import AuditEntry
from kalantar.evidence import services
from kalantar.evidence.models import Share
from tests.evidence.conftest import MP4, write


@pytest.fixture
def item(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    made, _new = services.ingest_file(
        by=None, path=write(tmp_path, "k01.mp4", MP4), device=cameras["BWC-101"]
    )
    return made


def _make_link(client, item, mode="stream", days=7) -> str:
    page = client.post(
        reverse("evidence:item_share", args=[item.pk]),
        {"recipient": "دادسرای ناحیه ۱ همدان", "mode": mode, "days": days},
    )
    assert page.status_code == 200
    return re.search(r'id="new-share-url">([^<]+)<', page.content.decode()).group(1)


def _public() -> Client:
    public = Client()
    public.cookies["kalantar_language"] = "fa"
    return public


def test_the_recipient_acknowledges_then_streams(client, item, people):
    client.force_login(people["chief"])
    url = _make_link(client, item)
    share = Share.objects.get()
    assert share.prefix in url and share.digest not in url  # only the digest is kept
    assert url not in client.get(item.get_absolute_url()).content.decode()  # shown once

    public = _public()
    path = url.split("testserver", 1)[1]
    page = public.get(path).content.decode()
    assert 'id="acknowledge-form"' in page and "<video" not in page
    assert public.get(path + "file/").status_code == 403
    assert public.post(path, {"name": ""}).status_code == 400
    assert public.post(path, {"name": "قاضی محمدی، دادیار"}).status_code == 302
    share.refresh_from_db()
    assert share.acknowledged_by == "قاضی محمدی، دادیار" and share.acknowledged_at
    page = public.get(path).content.decode()
    assert "<video" in page and "shared-download" not in page
    part = public.get(path + "file/", HTTP_RANGE="bytes=0-9")
    assert part.status_code == 206 and b"".join(part.streaming_content) == MP4[:10]

    actions = list(
        AuditEntry.objects.filter(object_id=str(item.pk), action__startswith="evidence.share")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "evidence.shared",
        "evidence.share_opened",
        "evidence.share_opened",
        "evidence.share_acknowledged",
        "evidence.share_opened",
    ]


def test_a_download_link_downloads_and_is_audited(client, item, people):
    client.force_login(people["chief"])
    path = _make_link(client, item, mode="download").split("testserver", 1)[1]
    public = _public()
    public.post(path, {"name": "دادگاه کیفری"})
    assert 'id="shared-download"' in public.get(path).content.decode()
    download = public.get(path + "file/")
    assert b"".join(download.streaming_content) == MP4
    assert AuditEntry.objects.filter(action="evidence.share_downloaded").count() == 1


def test_revoked_and_expired_links_say_so_in_persian(client, item, people):
    client.force_login(people["chief"])
    path = _make_link(client, item).split("testserver", 1)[1]
    public = _public()
    public.post(path, {"name": "دادسرا"})
    share = Share.objects.get()

    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = public.get(path)
    assert expired.status_code == 403 and "منقضی" in expired.content.decode()
    assert public.get(path + "file/").status_code == 403

    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert client.post(reverse("evidence:share_revoke", args=[share.pk])).status_code == 302
    revoked = public.get(path)
    assert revoked.status_code == 403 and "پس گرفته" in revoked.content.decode()
    assert public.get(path + "file/").status_code == 403
    assert public.get("/evidence/shared/evs_nonsense/").status_code == 403
    assert AuditEntry.objects.filter(action="evidence.share_revoked").count() == 1


def test_only_the_items_station_shares_and_revokes(client, item, people):
    client.force_login(people["other_chief"])
    share_url = reverse("evidence:item_share", args=[item.pk])
    assert (
        client.post(share_url, {"recipient": "x", "mode": "stream", "days": 3}).status_code == 404
    )
    share, _raw = services.share_item(
        by=people["chief"], item=item, recipient="دادسرا", mode="stream", days=3
    )
    assert client.post(reverse("evidence:share_revoke", args=[share.pk])).status_code == 404
    client.force_login(people["desk"])  # sees the item, may not share it
    assert (
        client.post(share_url, {"recipient": "x", "mode": "stream", "days": 3}).status_code == 403
    )


def test_a_link_lasts_one_to_thirty_days(client, item, people):
    client.force_login(people["chief"])
    page = client.post(
        reverse("evidence:item_share", args=[item.pk]),
        {"recipient": "دادسرا", "mode": "stream", "days": 90},
    )
    assert page.status_code == 400 and not Share.objects.exists()
