"""Playback: a purpose stated (and kept in the custody chain) before the player appears,
the stream granted to that session only, served by byte ranges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from kalantar.core.models import AuditEntry
from kalantar.evidence import playback, services
from tests.evidence.conftest import MP4, PDF, write


@pytest.fixture
def item(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    made, _new = services.ingest_file(
        by=None, path=write(tmp_path, "k01.mp4", MP4), device=cameras["BWC-101"]
    )
    return made


def _play(client, item, purpose="بررسی شکایت شماره ۱۲"):
    return client.post(reverse("evidence:item_play", args=[item.pk]), {"purpose": purpose})


def test_the_player_appears_only_after_a_purpose_is_stated(client, item, people):
    client.force_login(people["chief"])
    client.cookies["kalantar_language"] = "fa"
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'id="purpose-form"' in page and "<video" not in page
    assert client.get(reverse("evidence:item_stream", args=[item.pk])).status_code == 403

    refused = _play(client, item, purpose="  ")
    assert refused.status_code == 400 and "<video" not in refused.content.decode()
    assert not AuditEntry.objects.filter(action="evidence.item_streamed").exists()

    assert _play(client, item).status_code == 302
    entry = AuditEntry.objects.get(action="evidence.item_streamed")
    assert entry.actor == people["chief"] and entry.detail["purpose"] == "بررسی شکایت شماره 12"
    page = client.get(item.get_absolute_url()).content.decode()
    assert "<video" in page and 'id="evidence-overlay"' in page
    assert "پخش مدرک با هدف اعلام‌شده" in page  # the custody chain shows the act


def test_the_stream_answers_byte_ranges(client, item, people):
    client.force_login(people["chief"])
    _play(client, item)
    url = reverse("evidence:item_stream", args=[item.pk])
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(MP4)}"
    assert part["Content-Type"] == "video/mp4" and part["Accept-Ranges"] == "bytes"
    assert b"".join(part.streaming_content) == MP4[100:200]
    tail = client.get(url, HTTP_RANGE=f"bytes={len(MP4) - 10}-")
    assert b"".join(tail.streaming_content) == MP4[-10:]
    whole = client.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == MP4
    assert client.get(url, HTTP_RANGE=f"bytes={len(MP4)}-").status_code == 416


def test_a_grant_is_for_one_session_and_one_item(client, item, people, django_user_model):
    client.force_login(people["chief"])
    _play(client, item)
    client.logout()
    client.force_login(people["chief"])  # a new session: the purpose is asked again
    assert client.get(reverse("evidence:item_stream", args=[item.pk])).status_code == 403


def test_another_station_can_neither_play_nor_stream(client, item, people):
    client.force_login(people["other_chief"])
    assert _play(client, item).status_code == 404
    assert client.get(reverse("evidence:item_stream", args=[item.pk])).status_code == 404
    assert not AuditEntry.objects.filter(action="evidence.item_streamed").exists()


def test_a_document_is_not_played(client, tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    doc, _new = services.ingest_file(
        by=None, path=write(tmp_path, "note.pdf", PDF), device=cameras["BWC-101"]
    )
    client.force_login(people["chief"])
    assert 'id="purpose-form"' not in client.get(doc.get_absolute_url()).content.decode()
    assert _play(client, doc).status_code == 400


def test_grants_expire_and_name_one_item():
    now = datetime(2026, 3, 1, 10, tzinfo=UTC)
    session: dict = {}
    playback.grant(session, 7, now)
    assert playback.granted(session, 7, now + timedelta(minutes=59))
    assert not playback.granted(session, 7, now + playback.GRANT)
    assert not playback.granted(session, 8, now)
    playback.grant(session, 8, now + timedelta(hours=2))  # the lapsed grant is dropped
    assert set(session[playback.SESSION_KEY]) == {"8"}


def test_behind_nginx_the_stream_is_handed_to_nginx_which_serves_the_ranges(
    client, item, people, settings
):
    settings.PROTECTED_FILES_REDIRECT = "/_protected/"
    settings.VAR_DIR = settings.EVIDENCE_DIR.parent
    client.force_login(people["chief"])
    url = reverse("evidence:item_stream", args=[item.pk])
    assert client.get(url, HTTP_RANGE="bytes=0-9").status_code == 403  # no purpose yet
    _play(client, item)
    response = client.get(url, HTTP_RANGE="bytes=100-199")
    assert response.status_code == 200 and response.content == b""
    internal = response["X-Accel-Redirect"].removeprefix("/_protected/")
    assert (settings.VAR_DIR / internal).read_bytes() == MP4
    assert response["Content-Type"] == "video/mp4"

    settings.VAR_DIR = settings.EVIDENCE_DIR.parent / "elsewhere"  # store outside var/
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and b"".join(part.streaming_content) == MP4[100:200]
