"""The custody chain printed for a court: a PDF whose text holds the item's hash, every
custody event with its purpose and chain hash, in Persian; printing it is itself audited."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from kalantar.core.models import AuditEntry
from kalantar.evidence import services
from tests.evidence.conftest import MP4, write


@pytest.fixture
def item(tmp_path, cameras, people, client):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    made, _new = services.ingest_file(
        by=None, path=write(tmp_path, "k01.mp4", MP4), device=cameras["BWC-101"]
    )
    services.place_hold(by=people["chief"], item=made, reason="پرونده ۱۲۳۴ دادسرا")
    return made


def _entries(item):
    return AuditEntry.objects.filter(
        object_type="evidence.evidenceitem", object_id=str(item.pk)
    ).order_by("seq")


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_command_writes_the_chain_as_a_persian_pdf(item, tmp_path):
    out = tmp_path / "chain.pdf"
    call_command("evidence_custody", str(item.pk), "--pdf", str(out), stdout=io.StringIO())
    text = _text(out.read_bytes())
    # Long LTR runs may wrap; compare without line breaks.
    flat = text.replace("\n", "").replace(" ", "")
    assert item.original.sha256 in flat
    for entry in _entries(item):
        assert entry.hash in flat  # each event's chain hash, the print's own included
    assert _entries(item).last().action == "evidence.custody_printed"
    assert "زنجیره" in text  # Persian, shaped to extractable text
    assert "دادسرا" in text  # the hold's reason


def test_the_chain_pages_button_downloads_it_and_is_a_custody_event(item, client, people):
    client.force_login(people["chief"])
    page = client.get(item.get_absolute_url()).content.decode()
    url = reverse("evidence:item_custody_pdf", args=[item.pk])
    assert url in page
    before = _entries(item).filter(action="evidence.custody_printed").count()
    answer = client.get(url)
    assert answer["Content-Type"] == "application/pdf"
    assert item.original.sha256 in _text(answer.content).replace("\n", "").replace(" ", "")
    printed = _entries(item).filter(action="evidence.custody_printed")
    assert printed.count() == before + 1
    assert printed.last().actor == people["chief"]


def test_another_station_cannot_print_the_chain(item, client, people):
    client.force_login(people["other_chief"])
    assert client.get(reverse("evidence:item_custody_pdf", args=[item.pk])).status_code == 404
