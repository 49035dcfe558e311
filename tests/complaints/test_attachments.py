"""Attachments of complaints: refused when they are not what they claim, opened only by
staff who may see the complaint, served so a browser can run nothing from them."""

from __future__ import annotations

import io

import pytest
import segno
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kalantar.complaints.models import Attachment, Complaint
from kalantar.core.models import AuditEntry
from kalantar.core.uploads import UploadedFile

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    out = io.BytesIO()
    segno.make("kalantar").save(out, kind="png", scale=2)
    return out.getvalue()


def _stored_files() -> list[str]:
    storage = storages["attachments"]
    found = []

    def walk(folder: str) -> None:
        if not storage.exists(folder or "."):
            return
        dirs, names = storage.listdir(folder or ".")
        found.extend(f"{folder}/{n}" for n in names)
        for d in dirs:
            if d != "tmp":
                walk(f"{folder}/{d}" if folder else d)

    walk("")
    return found


@pytest.fixture
def with_photo(file):
    return file(attachments=[UploadedFile("عکس درب.png", "image/png", png())])


@pytest.mark.parametrize(
    ("name", "claimed", "data"),
    [("photo.jpg", "image/jpeg", EXE), ("letter.pdf", "application/pdf", HTML)],
)
def test_a_renamed_program_or_page_is_refused_at_the_desk(file, name, claimed, data):
    with translation.override("fa"), pytest.raises(ValidationError) as exc:
        file(attachments=[UploadedFile(name, claimed, data)])
    message = " ".join(exc.value.message_dict["attachments"])
    assert name in message and "پذیرفته نشد" in message
    assert Complaint.objects.count() == 0 and _stored_files() == []


def test_the_stored_type_is_the_checked_one_not_the_browsers(file):
    complaint = file(attachments=[UploadedFile("scan.png", "application/pdf", png())])
    assert complaint.attachments.get().content_type == "image/png"


def test_files_are_kept_under_random_names_no_url_serves(client, with_photo):
    attachment = with_photo.attachments.get()
    assert with_photo.tracking_code not in attachment.file.name
    assert attachment.sha256[:16] not in attachment.file.name
    assert len(attachment.file.name.rsplit("/", 1)[1]) == 32
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_staff_of_the_station_open_an_image_inline_and_the_opening_is_audited(
    client, with_photo, make_user
):
    desk = make_user("desk", "desk_officer", "HM01K01")
    client.force_login(desk)
    attachment = with_photo.attachments.get()
    page = client.get(reverse("complaints:detail", args=[with_photo.tracking_code]))
    url = attachment.get_absolute_url()
    assert f'href="{url}"' in page.content.decode()

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png()
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''" in response["Content-Disposition"]  # RFC 5987, Persian name
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="files.open")
    assert entry.actor == desk and entry.object_id == str(attachment.pk)
    assert entry.detail["sha256"] == attachment.sha256


def test_a_pdf_opens_inline(client, file, make_user):
    complaint = file(attachments=[UploadedFile("letter.pdf", "application/pdf", PDF)])
    client.force_login(make_user("chief", "station_chief", "HM01K01"))
    response = client.get(complaint.attachments.get().get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="letter.pdf"'


def test_another_station_gets_not_found_and_leaves_no_opening(client, with_photo, make_user):
    client.force_login(make_user("desk2", "desk_officer", "HM02K01"))
    url = with_photo.attachments.get().get_absolute_url()
    assert client.get(url).status_code == 404
    assert client.get(reverse("core:attachment", args=["nothing", 1])).status_code == 404
    assert not AuditEntry.objects.filter(action="files.open").exists()


def test_anonymous_visitors_are_sent_to_the_login(with_photo):
    url = with_photo.attachments.get().get_absolute_url()
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_page_stored_before_the_check_is_only_downloaded(client, with_photo, make_user):
    """Files kept before content checks (the browser's word was trusted then) are served
    with the type their bytes prove, or as a plain download."""
    attachment = with_photo.attachments.get()
    storage = storages["attachments"]
    storage.delete(attachment.file.name)
    storage.save(attachment.file.name, io.BytesIO(HTML))
    Attachment.objects.filter(pk=attachment.pk).update(
        content_type="application/pdf", original_name="report.pdf"
    )
    client.force_login(make_user("desk", "desk_officer", "HM01K01"))
    response = client.get(attachment.get_absolute_url())
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_a_file_missing_from_the_store_is_not_found(client, with_photo, make_user):
    attachment = with_photo.attachments.get()
    storages["attachments"].delete(attachment.file.name)
    client.force_login(make_user("desk", "desk_officer", "HM01K01"))
    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert not AuditEntry.objects.filter(action="files.open").exists()


def test_the_admin_lists_the_attachments_with_a_link_that_opens_them(client, with_photo, make_user):
    admin = make_user("root", "sysadmin", "IR")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    client.force_login(admin)
    page = client.get(reverse("admin:complaints_complaint_change", args=[with_photo.pk]))
    assert with_photo.attachments.get().get_absolute_url() in page.content.decode()


def test_behind_nginx_the_worker_checks_and_audits_then_hands_the_bytes_to_nginx(
    client, with_photo, make_user, settings
):
    settings.PROTECTED_FILES_REDIRECT = "/_protected/"
    settings.VAR_DIR = settings.MEDIA_ROOT.parent
    attachment = with_photo.attachments.get()
    outsider = make_user("other", "desk_officer", "HM01K02")
    client.force_login(outsider)
    refused = client.get(attachment.get_absolute_url())
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused

    client.force_login(make_user("desk", "desk_officer", "HM01K01"))
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200 and response.content == b""
    internal = response["X-Accel-Redirect"]
    assert internal.startswith("/_protected/media/")
    on_disk = settings.VAR_DIR / internal.removeprefix("/_protected/")
    assert on_disk.read_bytes() == png()  # the path nginx will send
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEntry.objects.filter(action="files.open").count() == 1
