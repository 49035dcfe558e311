"""Media facts read from the recording itself, its start put on the dock's clock, and a
file the media library cannot read kept and flagged rather than dropped."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kalantar.core.models import AuditEntry
from kalantar.evidence import media, services
from kalantar.evidence.models import Assignment, EvidenceItem
from tests.evidence.conftest import MP4, write

START = datetime(2026, 11, 20, 6, 15, 30, tzinfo=UTC)


def test_facts_of_a_generated_clip(tmp_path):
    path = media.write_clip(
        tmp_path / "a.mp4", device_start=START, seconds=3, size=(160, 96), location=(35.69, 51.39)
    )
    facts = media.read_facts(path)
    assert facts.readable and facts.problem == ""
    assert facts.duration_seconds == pytest.approx(3.0, abs=0.15)
    assert (facts.width, facts.height, facts.codec, facts.container) == (160, 96, "mpeg4", "mov")
    assert facts.device_start == START
    assert facts.gps == ((35.69, 51.39),)


def test_bytes_that_are_no_media_are_facts_too(tmp_path):
    facts = media.read_facts(write(tmp_path, "x.mp4", MP4))
    assert not facts.readable and facts.problem


def test_a_device_clock_an_hour_fast_is_corrected_at_ingest(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    Assignment.objects.update(checked_out_at=timezone.now() - timedelta(hours=3))
    services.check_in_camera(
        by=people["desk"], serial="BWC-101", device_clock=timezone.now() + timedelta(hours=1)
    )
    truly_started = timezone.now() - timedelta(hours=2)
    clip = media.write_clip(
        tmp_path / "0001.MP4", device_start=truly_started + timedelta(hours=1), seconds=2
    )
    item, _new = services.ingest_file(by=None, path=clip, device=cameras["BWC-101"])
    item.refresh_from_db()
    assert abs((item.recorded_from - truly_started).total_seconds()) < 1
    assert (item.recorded_until - item.recorded_from).total_seconds() == pytest.approx(2, abs=0.2)
    assert item.recorded_by == people["officer"]
    assert item.media.clock_offset_seconds == pytest.approx(3600, abs=1)
    assert not item.media.needs_review


def test_an_unreadable_file_is_kept_and_flagged_for_review(client, tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    item, new = services.ingest_file(
        by=None, path=write(tmp_path, "broken.mp4", MP4), device=cameras["BWC-101"]
    )
    assert new and EvidenceItem.objects.filter(pk=item.pk).exists()
    assert item.media.needs_review and not item.media.readable
    assert AuditEntry.objects.filter(
        action="evidence.flagged_for_review", object_id=str(item.pk)
    ).exists()
    client.force_login(people["chief"])
    client.cookies["kalantar_language"] = "fa"
    page = client.get(reverse("evidence:item", args=[item.pk])).content.decode()
    assert "نیاز به بررسی" in page
