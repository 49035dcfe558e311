"""Resumable uploads over tus 1.0, driven by the published Python client (tuspy)."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import stat
import time
from urllib.parse import urlsplit

import pytest
import requests
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError, TusUploadFailed
from tusclient.storage.filestorage import FileStorage
from tusclient.uploader import Uploader

from kalantar.core import streaming
from kalantar.core.models import AuditEntry
from kalantar.evidence import services, store
from kalantar.evidence.models import EvidenceItem, Original, Upload
from tests.conftest import VerifiedClient
from tests.evidence.conftest import ELF, MP4, PDF, write

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tus(asgi_server, client, people, cameras, settings):
    services.check_out_camera(by=people["desk"], serial="BWC-101", officer=people["officer"])
    client.force_login(people["desk"])
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return tus_client.TusClient(f"{asgi_server}/evidence/uploads/", headers={"Cookie": cookie})


def _uploader(tus, path, **kwargs) -> Uploader:
    metadata = {"filename": path.name, "device": "BWC-101"}
    return tus.uploader(str(path), metadata=metadata, **kwargs)


def _stored_files(settings) -> list[str]:
    root = settings.EVIDENCE_DIR / "originals"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_an_interrupted_upload_resumes_where_it_stopped(tus, tmp_path, settings, people):
    data = MP4 * 8
    path = write(tmp_path, "clip.mp4", data)
    urls = FileStorage(str(tmp_path / "tus-urls.json"))
    first = _uploader(tus, path, chunk_size=4096, store_url=True, url_storage=urls)
    first.upload(stop_at=3 * 4096)  # the connection drops here
    assert Upload.objects.get().offset == 3 * 4096
    assert _stored_files(settings) == []

    again = _uploader(tus, path, chunk_size=50_000, store_url=True, url_storage=urls)
    assert again.url == first.url and again.offset == 3 * 4096
    again.upload()

    sha = hashlib.sha256(data).hexdigest()
    kept = store.original_path(settings.EVIDENCE_DIR, sha)
    assert kept.read_bytes() == data
    assert not os.stat(kept).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    item = EvidenceItem.objects.get()
    assert (item.original.sha256, item.original.size) == (sha, len(data))
    assert item.original.content_type == "video/mp4"
    assert item.recorded_by == people["officer"]
    assert item.device.serial == "BWC-101"
    assert AuditEntry.objects.filter(action="evidence.uploaded", object_id=str(item.pk)).exists()


def test_chunk_checksums_of_the_client_are_checked(tus, tmp_path):
    path = write(tmp_path, "doc.pdf", PDF)
    _uploader(tus, path, chunk_size=2048, upload_checksum=True).upload()
    assert Original.objects.count() == 1


class _LyingUploader(Uploader):
    """Sends the SHA-256 of other bytes than those of the chunk."""

    CHECKSUM_ALGORITHM_PAIR = ("sha256", lambda chunk: hashlib.sha256(chunk + b"!"))


class _Sha256Uploader(Uploader):
    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)


def test_sha256_chunk_checksums_pass_in_one_chunk_or_several(tus, tmp_path):
    # The first chunk's SHA-256 is checked against the upload's running hash, later ones
    # on their own.
    for name, chunk_size in (("whole.pdf", None), ("parts.pdf", 2048)):
        data = PDF + name.encode()
        path = write(tmp_path, name, data)
        sizes = {"chunk_size": chunk_size} if chunk_size else {}
        _Sha256Uploader(
            str(path), client=tus, metadata={"filename": name}, upload_checksum=True, **sizes
        ).upload()
        assert Original.objects.filter(sha256=hashlib.sha256(data).hexdigest()).exists()


def test_a_wrong_checksum_is_460_and_nothing_is_kept(tus, tmp_path, settings):
    path = write(tmp_path, "clip.mp4", MP4)
    uploader = _LyingUploader(
        str(path), client=tus, metadata={"filename": "clip.mp4"}, upload_checksum=True
    )
    with pytest.raises(TusUploadFailed) as error:
        uploader.upload()
    assert error.value.status_code == 460
    assert Upload.objects.get().offset == 0
    assert (
        store.partial_path(settings.EVIDENCE_DIR, str(Upload.objects.get().pk)).stat().st_size == 0
    )
    assert _stored_files(settings) == [] and not Original.objects.exists()
    assert AuditEntry.objects.filter(action="evidence.upload_refused").count() == 1


def test_a_renamed_program_is_refused_by_its_content(tus, tmp_path, settings):
    path = write(tmp_path, "clip.mp4", ELF)
    with pytest.raises(TusUploadFailed) as error:
        _uploader(tus, path).upload()
    assert error.value.status_code == 415
    assert "ویدیو" in error.value.response_content.decode()
    assert _stored_files(settings) == [] and not EvidenceItem.objects.exists()
    assert Upload.objects.get().status == Upload.Status.REFUSED


def test_an_empty_file_is_refused(tus, tmp_path):
    path = write(tmp_path, "empty.mp4", b"")
    with pytest.raises(TusCommunicationError) as error:
        _uploader(tus, path).upload()
    assert error.value.status_code == 400
    assert not Upload.objects.exists() and not EvidenceItem.objects.exists()


def test_the_same_file_twice_is_stored_once(tus, tmp_path, settings):
    first = write(tmp_path, "a.mp4", MP4)
    second = write(tmp_path, "b.mp4", MP4)
    _uploader(tus, first).upload()
    _uploader(tus, second).upload()
    assert len(_stored_files(settings)) == 1
    assert Original.objects.count() == 1 and EvidenceItem.objects.count() == 1
    assert AuditEntry.objects.filter(action="evidence.duplicate_uploaded").count() == 1


def test_a_cancelled_upload_leaves_nothing(tus, tmp_path, settings):
    path = write(tmp_path, "clip.mp4", MP4 * 4)
    uploader = _uploader(tus, path, chunk_size=10_000)
    uploader.upload(stop_at=10_000)
    response = requests.delete(uploader.url, headers=uploader.get_headers(), timeout=10)
    assert response.status_code == 204
    assert (
        requests.head(uploader.url, headers=uploader.get_headers(), timeout=10).status_code == 410
    )
    assert not store.partial_path(settings.EVIDENCE_DIR, str(Upload.objects.get().pk)).exists()
    assert _stored_files(settings) == []


def test_the_server_announces_its_extensions(asgi_server):
    response = requests.options(f"{asgi_server}/evidence/uploads/", timeout=10)
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {
        "creation",
        "checksum",
        "termination",
    }
    assert "sha256" in response.headers["Tus-Checksum-Algorithm"]


def test_without_a_login_nothing_can_be_uploaded(asgi_server, tmp_path):
    anonymous = tus_client.TusClient(f"{asgi_server}/evidence/uploads/")
    with pytest.raises(TusCommunicationError) as error:
        anonymous.uploader(str(write(tmp_path, "a.mp4", MP4))).upload()
    assert error.value.status_code == 401


def test_a_whole_file_checksum_that_differs_keeps_nothing(tus, tmp_path, settings):
    path = write(tmp_path, "clip.mp4", MP4)
    other = base64.b64encode(hashlib.sha256(MP4 + b"!").digest()).decode()
    uploader = tus.uploader(
        str(path), metadata={"filename": "clip.mp4", "checksum": f"sha256 {other}"}
    )
    with pytest.raises(TusUploadFailed) as error:
        uploader.upload()
    assert error.value.status_code == 460
    assert _stored_files(settings) == [] and not Original.objects.exists()
    assert Upload.objects.get().status == Upload.Status.REFUSED

    right = base64.b64encode(hashlib.sha512(MP4).digest()).decode()
    tus.uploader(
        str(path), metadata={"filename": "clip.mp4", "checksum": f"sha512 {right}"}
    ).upload()
    assert Original.objects.get().sha256 == hashlib.sha256(MP4).hexdigest()


def test_a_finished_upload_takes_no_more_bytes(tus, tmp_path):
    uploader = _uploader(tus, write(tmp_path, "clip.mp4", MP4))
    uploader.upload()
    response = requests.patch(
        uploader.url,
        data=b"",
        headers={
            **uploader.get_headers(),
            "Upload-Offset": str(len(MP4)),
            "Content-Type": "application/offset+octet-stream",
        },
        timeout=10,
    )
    assert response.status_code == 409
    assert EvidenceItem.objects.count() == 1


def test_an_upload_from_a_camera_nobody_checked_out_is_refused(tus, tmp_path):
    path = write(tmp_path, "clip.mp4", MP4)
    uploader_metadata = {"filename": "clip.mp4", "device": "CAR-7"}
    with pytest.raises(TusCommunicationError) as error:
        tus.uploader(str(path), metadata=uploader_metadata).upload()
    assert error.value.status_code == 400
    assert "هرگز" in error.value.response_content.decode()


def test_nobody_else_may_resume_or_cancel_an_upload(tus, tmp_path, people):
    uploader = _uploader(tus, write(tmp_path, "clip.mp4", MP4 * 4), chunk_size=10_000)
    uploader.upload(stop_at=10_000)
    other = VerifiedClient()
    other.force_login(people["other_chief"])
    headers = {"Tus-Resumable": "1.0.0", "Cookie": f"sessionid={other.cookies['sessionid'].value}"}
    assert requests.head(uploader.url, headers=headers, timeout=10).status_code == 404
    assert requests.delete(uploader.url, headers=headers, timeout=10).status_code == 404
    assert Upload.objects.get().status == Upload.Status.RECEIVING


# --- The PATCH streamed from the connection (kalantar.asgi) ------------------------------------


def _created(tus, path) -> Uploader:
    uploader = _uploader(tus, path)
    uploader.set_url(uploader.create_url())
    return uploader


def _patch_headers(uploader: Uploader, offset: int) -> dict[str, str]:
    return {
        **uploader.get_headers(),
        "Upload-Offset": str(offset),
        "Content-Type": "application/offset+octet-stream",
    }


def _wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the server did not get there"
        time.sleep(0.02)


def _start_patch(uploader: Uploader, data: bytes, sent: int) -> socket.socket:
    """A PATCH of all of `data` whose connection has sent only its first `sent` bytes."""
    url = urlsplit(uploader.url)
    head = [f"PATCH {url.path} HTTP/1.1", f"Host: {url.netloc}", f"Content-Length: {len(data)}"]
    head += [f"{k}: {v}" for k, v in _patch_headers(uploader, 0).items()]
    connection = socket.create_connection((url.hostname, url.port))
    connection.sendall("\r\n".join(head).encode() + b"\r\n\r\n" + data[:sent])
    return connection


def _resume_and_check(tus, uploader: Uploader, path, data: bytes, sent: int, settings) -> None:
    resumed = tus.uploader(str(path), url=uploader.url)
    assert resumed.offset == sent
    resumed.upload()  # the rest, in one PATCH (the client's default chunk)
    item = EvidenceItem.objects.get()
    assert item.original.sha256 == hashlib.sha256(data).hexdigest()
    kept = store.original_path(settings.EVIDENCE_DIR, item.original.sha256)
    assert kept.read_bytes() == data


def test_a_patch_cut_mid_body_keeps_what_came_and_tuspy_resumes(tus, tmp_path, settings):
    data = MP4 + os.urandom(3 * store.WRITE_BLOCK)
    path = write(tmp_path, "long.mp4", data)
    uploader = _created(tus, path)
    partial = store.partial_path(settings.EVIDENCE_DIR, str(Upload.objects.get().pk))
    sent = store.WRITE_BLOCK + 12_345
    with _start_patch(uploader, data, sent):
        # The bytes reach the store, a block at a time, while the request is still arriving…
        _wait_for(lambda: partial.stat().st_size == store.WRITE_BLOCK)
    # …and the connection dropping keeps them: the upload's offset is where it broke.
    _wait_for(lambda: Upload.objects.get().offset == sent)
    assert not EvidenceItem.objects.exists()
    _resume_and_check(tus, uploader, path, data, sent, settings)


def test_a_connection_gone_silent_does_not_hold_the_upload(tus, tmp_path, settings, monkeypatch):
    monkeypatch.setattr(streaming, "IDLE_SECONDS", 0.5)
    data = MP4 + os.urandom(2 * 1024 * 1024)
    path = write(tmp_path, "long.mp4", data)
    uploader = _created(tus, path)
    sent = 1024 * 1024
    # The old connection never closes (a phone that changed networks); a new one resumes.
    with _start_patch(uploader, data, sent):
        _wait_for(lambda: Upload.objects.get().offset == sent)
        _resume_and_check(tus, uploader, path, data, sent, settings)


def test_a_patch_at_another_offset_is_409_and_writes_nothing(tus, tmp_path, settings):
    uploader = _created(tus, write(tmp_path, "clip.mp4", MP4))
    response = requests.patch(
        uploader.url, data=MP4[:100], headers=_patch_headers(uploader, 100), timeout=10
    )
    assert response.status_code == 409
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert Upload.objects.get().offset == 0
    partial = store.partial_path(settings.EVIDENCE_DIR, str(Upload.objects.get().pk))
    assert partial.stat().st_size == 0


def test_a_body_longer_than_the_upload_is_refused_whole(tus, tmp_path, settings):
    uploader = _created(tus, write(tmp_path, "clip.mp4", MP4))
    response = requests.patch(
        uploader.url, data=MP4 + b"more", headers=_patch_headers(uploader, 0), timeout=10
    )
    assert response.status_code == 400
    assert "بیش" in response.text  # Persian: more bytes than the upload declared
    assert Upload.objects.get().offset == 0 and not EvidenceItem.objects.exists()


def test_nobody_else_may_send_bytes_to_an_upload(tus, tmp_path, settings, people):
    uploader = _created(tus, write(tmp_path, "clip.mp4", MP4))
    other = VerifiedClient()
    other.force_login(people["other_chief"])
    headers = {
        **_patch_headers(uploader, 0),
        "Cookie": f"sessionid={other.cookies['sessionid'].value}",
    }
    response = requests.patch(uploader.url, data=MP4, headers=headers, timeout=10)
    assert response.status_code == 404
    assert Upload.objects.get().offset == 0 and not EvidenceItem.objects.exists()


def test_a_patch_without_a_login_or_the_protocol_header_is_refused(tus, tmp_path):
    uploader = _created(tus, write(tmp_path, "clip.mp4", MP4))
    anonymous = {k: v for k, v in _patch_headers(uploader, 0).items() if k != "Cookie"}
    response = requests.patch(uploader.url, data=MP4, headers=anonymous, timeout=10)
    assert response.status_code == 401
    assert "وارد" in response.text
    # A cross-site form cannot set Tus-Resumable: without it, even a logged-in PATCH is 412.
    unversioned = {k: v for k, v in _patch_headers(uploader, 0).items() if k != "Tus-Resumable"}
    response = requests.patch(uploader.url, data=MP4, headers=unversioned, timeout=10)
    assert response.status_code == 412
    assert Upload.objects.get().offset == 0 and not EvidenceItem.objects.exists()
