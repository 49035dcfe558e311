"""Redacted copies: new items with their own hash, made of a parent that stays as it was,
both custody chains telling it; scoped to the station; listed in the signed export."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta
from io import StringIO

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from kalantar.core.models import AuditEntry, Job
from kalantar.evidence import court_check, faces, redacting, services, signing, store
from kalantar.evidence.models import ComplaintLink, Derivation, EvidenceItem, IncidentLink
from kalantar.evidence.redaction import Box, Plan, Span
from tests import factories
from tests.background import run_background_tasks
from tests.evidence import clips
from tests.evidence.conftest import PDF, write
from tests.factories import IncidentFactory

PLAN = Plan(clip=Span(1, 3.5), mute=(Span(1.5, 2.5),), blur=(Box(1, 3, *clips.SQUARE),))


@pytest.fixture
def item(tmp_path, cameras, people):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    started = timezone.now() - timedelta(minutes=5)
    path = clips.clip_with_sound(tmp_path / "shift.mp4", started=started)
    item, _new = services.ingest_file(by=None, path=path, device=cameras["BWC-101"])
    return item


def _path(item: EvidenceItem):
    return store.original_path(services._root(), item.original.sha256)


def test_a_redacted_copy_is_a_new_item_and_the_parent_stays(item, people):
    before = store.digest(_path(item))
    copy = redacting.redact(by=people["chief"], item=item, plan=PLAN)

    assert copy.pk != item.pk and copy.original.sha256 != item.original.sha256
    assert store.digest(_path(copy)) == (copy.original.sha256, copy.original.size)
    assert store.digest(_path(item)) == before  # not a byte of the parent changed
    assert copy.derivation.parent == item
    assert copy.derivation.parent_sha256 == item.original.sha256
    assert Plan.from_dict(copy.derivation.plan) == PLAN
    assert (copy.station, copy.category, copy.recorded_by) == (
        item.station,
        item.category,
        item.recorded_by,
    )
    assert copy.recorded_from == item.recorded_from + timedelta(seconds=1)
    assert copy.media.duration_seconds == pytest.approx(2.5, abs=0.15)


def test_the_copy_blurs_and_mutes_what_the_plan_says(item, people):
    copy = redacting.redact(by=people["chief"], item=item, plan=PLAN)
    parent, redacted = _path(item), _path(copy)
    # The copy's 0 s is the parent's 1 s: the square is blurred from there until 3 s.
    assert clips.detail_at(parent, 1.5) > 30
    assert clips.detail_at(redacted, 0.5) < clips.detail_at(parent, 1.5) / 3
    assert clips.detail_at(redacted, 2.2) > 30  # after the rectangle's time, detail again
    sound = clips.loudness(redacted)
    muted = [peak for moment, peak in sound if 0.6 <= moment <= 1.3]
    heard = [peak for moment, peak in sound if moment <= 0.3 or 1.7 <= moment <= 2.2]
    assert muted and max(muted) < 0.01
    assert heard and min(heard) > 0.3


def test_both_custody_chains_tell_of_the_copy(item, people):
    copy = redacting.redact(by=people["chief"], item=item, plan=PLAN)
    made = AuditEntry.objects.get(action="evidence.redaction_made", object_id=str(item.pk))
    assert made.actor == people["chief"] and made.detail["derivative"] == copy.pk
    assert made.detail["sha256"] == copy.original.sha256
    born = AuditEntry.objects.get(action="evidence.derived", object_id=str(copy.pk))
    assert born.detail["parent"] == item.pk
    assert born.detail["parent_sha256"] == item.original.sha256
    assert born.detail["plan"] == PLAN.as_dict()


def test_a_copy_of_a_copy_and_the_links_it_inherits(item, people):
    incident = IncidentFactory.create()
    IncidentLink.objects.create(item=item, incident=incident, status=IncidentLink.Status.LINKED)
    complaint = factories.file_complaint()
    services.link_complaint(by=people["chief"], item=item, complaint=complaint)
    copy = redacting.redact(by=people["chief"], item=item, plan=Plan(clip=Span(0, 3)))
    again = redacting.redact(by=people["chief"], item=copy, plan=Plan(mute=(Span(0, 1),)))
    assert again.derivation.parent == copy and copy.derivation.parent == item
    for derived in (copy, again):
        assert list(derived.incident_links.values_list("incident", "status")) == [
            (incident.pk, IncidentLink.Status.LINKED)
        ]
        assert ComplaintLink.objects.filter(item=derived, complaint=complaint).exists()
    assert redacting.with_derivatives([item]) == [item, copy, again]


def test_the_same_redaction_twice_is_refused_and_bad_plans_change_nothing(item, people):
    redacting.redact(by=people["chief"], item=item, plan=Plan(clip=Span(0, 2)))
    count = EvidenceItem.objects.count()
    with pytest.raises(ValidationError) as twice:
        redacting.redact(by=people["chief"], item=item, plan=Plan(clip=Span(0, 2)))
    assert "پیش‌تر ساخته شده" in twice.value.messages[0]
    with pytest.raises(ValidationError) as error:
        redacting.redact(
            by=people["chief"],
            item=item,
            plan=Plan(clip=Span(3, 9), blur=(Box(0, 1, 150, 0, 40, 40),)),
        )
    assert len(error.value.messages) == 2
    assert EvidenceItem.objects.count() == count
    assert Derivation.objects.count() == 1


def test_another_station_and_a_desk_officer_cannot_redact(item, people, client):
    for who in (people["other_chief"], people["desk"]):
        with pytest.raises(PermissionDenied):
            redacting.redact(by=who, item=item, plan=PLAN)
    client.force_login(people["other_chief"])
    url = f"/evidence/items/{item.pk}/redact/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"clip": "0-2"}).status_code == 404
    assert not Derivation.objects.exists()


# --- In the signed export ----------------------------------------------------------------------


@pytest.fixture
def exported(item, people, tmp_path):
    copy = redacting.redact(by=people["chief"], item=item, plan=PLAN)
    folder = tmp_path / "export"
    call_command("evidence_export", items=f"{item.pk},{copy.pk}", to=str(folder), stdout=StringIO())
    return folder, copy


def _checks(folder) -> bool:
    try:
        call_command("evidence_check", str(folder), stdout=StringIO(), stderr=StringIO())
    except CommandError:
        return False
    return True


def test_the_manifest_lists_each_copys_parent_hash_and_plan(exported, item):
    folder, copy = exported
    manifest = json.loads((folder / "manifest.json").read_text())
    entries = {entry["id"]: entry for entry in manifest["items"]}
    assert entries[item.pk]["derived_from"] is None
    derived = entries[copy.pk]["derived_from"]
    assert derived["parent_id"] == item.pk
    assert derived["parent_sha256"] == item.original.sha256
    assert derived["plan"] == PLAN.as_dict()
    assert _checks(folder)
    assert court_check.problems(folder, signing.public_key()) == []


def test_changing_the_derivation_fails_the_check(exported):
    folder, _copy = exported
    manifest = folder / "manifest.json"
    text = manifest.read_text()
    manifest.write_text(text.replace('"clip": [\n', '"clip": [\n        0.0,\n', 1))
    assert manifest.read_text() != text
    assert not _checks(folder)
    assert court_check.problems(folder, signing.public_key()) != []


def test_a_parent_hash_that_does_not_match_is_reported():
    manifest = {
        "items": [
            {"id": 1, "sha256": "a" * 64, "derived_from": None},
            {"id": 2, "sha256": "b" * 64, "derived_from": {"parent_id": 1, "parent_sha256": "c"}},
        ]
    }
    assert court_check._derivation_problems(manifest) == [
        "item 2: its parent 1 has another SHA-256"
    ]


# --- The editor and the case export through their pages ------------------------------------------


def test_the_editor_makes_a_copy_from_persian_input(item, people, client):
    client.force_login(people["chief"])
    url = reverse("evidence:item_redact", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200 and "redact-form" in page.content.decode()
    frame = client.get(reverse("evidence:item_frame", args=[item.pk]), {"t": "۱٫۵"})
    assert frame.status_code == 200 and frame["Content-Type"] == "image/jpeg"
    data = {
        "clip": "۰:۰۱ تا ۰:۰۳٫۵",
        "mute": "",
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-on": "on",
        "form-0-start": "۰:۰۱",
        "form-0-end": "۰:۰۳",
        "form-0-x": "۶۰",
        "form-0-y": "۴۰",
        "form-0-width": "۴۰",
        "form-0-height": "۴۰",
        "form-1-start": "0:00",  # an unticked row: not blurred, whatever it says
        "form-1-end": "zz",
        "action": "make",
    }
    response = client.post(url, data)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    run_background_tasks()
    copy = Derivation.objects.get(parent=item).item
    assert copy.get_absolute_url() in client.get(job.get_absolute_url()).content.decode()
    assert Plan.from_dict(copy.derivation.plan) == Plan(
        clip=Span(1, 3.5), blur=(Box(1, 3, *clips.SQUARE),)
    )
    parent_page = client.get(item.get_absolute_url()).content.decode()
    assert copy.get_absolute_url() in parent_page


def test_the_editor_names_what_is_wrong_in_persian_and_keeps_nothing(item, people, client):
    client.force_login(people["chief"])
    data = {
        "clip": "۰:۰۳-۰:۰۹",
        "mute": "۰:۰۰-۰:۰۱",
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "action": "make",
    }
    response = client.post(reverse("evidence:item_redact", args=[item.pk]), data)
    assert response.status_code == 400
    assert "بخشِ نگه‌داشته باید درون فیلم باشد" in response.content.decode()
    assert not Derivation.objects.exists() and not Job.objects.exists()


def test_suggestions_come_unticked_and_are_audited(item, people, client, monkeypatch):
    # The detector is stood in for: the test is of what the editor does with its boxes.
    monkeypatch.setattr(faces, "available", lambda: True)
    monkeypatch.setattr(faces, "detect", lambda image: [(70, 50, 20, 20)])
    client.force_login(people["chief"])
    response = client.post(
        reverse("evidence:item_redact", args=[item.pk]),
        {"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0", "action": "suggest"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="form-0-x" value="۶۷"' in page  # the hit, grown by its margin
    assert 'name="form-0-on"' in page and 'name="form-0-on" checked' not in page
    entry = AuditEntry.objects.get(action="evidence.faces_suggested", object_id=str(item.pk))
    assert entry.detail["boxes"] == 1 and not Derivation.objects.exists()


def test_the_incident_page_exports_its_items_and_copies_signed(item, people, client, tmp_path):
    incident = IncidentFactory.create(station=item.station)
    IncidentLink.objects.create(item=item, incident=incident, status=IncidentLink.Status.LINKED)
    copy = redacting.redact(by=people["chief"], item=item, plan=PLAN)
    client.force_login(people["chief"])
    page = client.get(reverse("incidents:detail", args=[incident.number])).content.decode()
    assert "case-export" in page and copy.get_absolute_url() in page
    response = client.post(reverse("evidence:incident_export", args=[incident.number]))
    assert response.status_code == 302
    run_background_tasks()
    download = client.get(response["Location"] + "download/")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    archive = tmp_path / "case.zip"
    archive.write_bytes(b"".join(download.streaming_content))
    folder = tmp_path / "case"
    zipfile.ZipFile(archive).extractall(folder)
    assert _checks(folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [entry["id"] for entry in manifest["items"]] == [item.pk, copy.pk]
    exported = AuditEntry.objects.filter(action="evidence.exported", actor=people["chief"])
    assert {e.object_id for e in exported} == {str(item.pk), str(copy.pk)}
    assert all(e.detail["case"] == incident.number for e in exported)


def test_another_station_neither_sees_nor_exports_the_case(item, people, client):
    incident = IncidentFactory.create(station=item.station)
    IncidentLink.objects.create(item=item, incident=incident, status=IncidentLink.Status.LINKED)
    client.force_login(people["other_chief"])
    response = client.post(reverse("evidence:incident_export", args=[incident.number]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="evidence.exported").exists()


def test_without_a_face_detector_the_editor_says_so(item, people, client, monkeypatch):
    monkeypatch.setattr(faces, "_classifier", lambda: None)
    client.force_login(people["chief"])
    response = client.post(
        reverse("evidence:item_redact", args=[item.pk]),
        {"form-TOTAL_FORMS": "0", "form-INITIAL_FORMS": "0", "action": "suggest"},
        follow=True,
    )
    page = response.content.decode()
    assert "پیشنهاد چهره در این سامانه در دسترس نیست" in page
    assert "is-suggested" not in page


@pytest.mark.skipif(not faces.available(), reason="this OpenCV build has no Haar cascade")
def test_the_cascade_sees_no_face_in_a_plain_frame():
    plain = [(float(t), np.full((240, 320, 3), 90, dtype=np.uint8)) for t in range(3)]
    assert faces.suggest(plain, duration=3.0) == []


def test_a_complaints_page_exports_the_footage_linked_to_it(item, people, client):
    complaint = factories.file_complaint()
    services.link_complaint(by=people["chief"], item=item, complaint=complaint)
    client.force_login(people["chief"])
    page = client.get(reverse("complaints:detail", args=[complaint.tracking_code]))
    assert "case-export" in page.content.decode()
    response = client.post(reverse("evidence:complaint_export", args=[complaint.tracking_code]))
    assert response.status_code == 302
    run_background_tasks()
    assert client.get(response["Location"] + "download/").status_code == 200
    entry = AuditEntry.objects.get(action="evidence.exported", object_id=str(item.pk))
    assert entry.detail["case"] == complaint.tracking_code
    # Back on the case's page, the export is found again, ready.
    page = client.get(reverse("complaints:detail", args=[complaint.tracking_code]))
    panel = page.content.decode().split('id="case-evidence"')[1]
    assert "خروجی‌های شما از این پرونده" in panel
    assert f'href="{response["Location"]}"' in panel and "آماده" in panel


def test_a_document_cannot_be_opened_for_redaction(people, client, cameras, tmp_path):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    pdf, _new = services.ingest_file(
        by=None, path=write(tmp_path, "report.pdf", PDF), device=cameras["BWC-101"]
    )
    client.force_login(people["chief"])
    url = reverse("evidence:item_redact", args=[pdf.pk])
    for response in (client.get(url), client.post(url, {"action": "suggest"})):
        assert response.status_code == 302 and response["Location"] == pdf.get_absolute_url()
    assert not AuditEntry.objects.filter(action="evidence.faces_suggested").exists()
