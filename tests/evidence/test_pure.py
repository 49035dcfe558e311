"""The protocol's headers, the desk's inputs and the content check, without Django."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

import pytest

from kalantar.evidence import kinds, tus
from kalantar.evidence.desk import normalize_serial, parse_clock
from tests.evidence.conftest import ELF, MP4, PDF

V = {"tus-resumable": "1.0.0"}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_metadata_pairs_decode_to_text():
    value = f"filename {b64('ویدیو ۱.mp4'.encode())},device {b64(b'BWC-101')},flag"
    assert tus.parse_metadata(value) == {"filename": "ویدیو ۱.mp4", "device": "BWC-101", "flag": ""}


@pytest.mark.parametrize("value", ["a b c", "a !!!", "a YQ==,a YQ=="])
def test_malformed_metadata_is_400(value):
    with pytest.raises(tus.TusError) as error:
        tus.parse_metadata(value)
    assert error.value.status == 400


def test_creation_needs_a_length_within_the_limit_and_the_version():
    assert tus.parse_creation({**V, "upload-length": "10"}, max_size=100).length == 10
    for headers, status in [
        ({**V}, 400),
        ({**V, "upload-length": "-1"}, 400),
        ({**V, "upload-length": "101"}, 413),
        ({"tus-resumable": "0.2.2", "upload-length": "1"}, 412),
    ]:
        with pytest.raises(tus.TusError) as error:
            tus.parse_creation(headers, max_size=100)
        assert error.value.status == status


def test_checksum_header_names_an_algorithm_and_a_digest_of_its_size():
    digest = hashlib.sha256(b"abc").digest()
    checksum = tus.parse_checksum(f"sha256 {b64(digest)}")
    hasher = checksum.new_hasher()
    hasher.update(b"abc")
    assert checksum.matches(hasher)
    for value in ["crc32 AAAA", f"sha1 {b64(digest)}", "sha256 not-base64!"]:
        with pytest.raises(tus.TusError):
            tus.parse_checksum(value)


def test_patch_must_start_where_the_upload_is():
    headers = {**V, "content-type": tus.OFFSET_CONTENT_TYPE, "upload-offset": "5"}
    assert tus.parse_patch(headers, current_offset=5).offset == 5
    with pytest.raises(tus.TusError) as error:
        tus.parse_patch(headers, current_offset=7)
    assert error.value.status == 409
    with pytest.raises(tus.TusError) as error:
        tus.parse_patch({**headers, "content-type": "text/plain"}, current_offset=5)
    assert error.value.status == 415


def test_serials_read_the_same_in_persian_and_latin_digits():
    assert normalize_serial(" bwc-۱۰۱\n") == "BWC-101"
    assert normalize_serial("BWC-101") == "BWC-101"


def test_a_camera_clock_reading_is_the_nearest_moment():
    now = datetime(2026, 1, 1, 23, 59, 30, tzinfo=UTC)
    assert parse_clock("۰۰:۰۰:۱۰", now=now) == datetime(2026, 1, 2, 0, 0, 10, tzinfo=UTC)
    assert parse_clock("23:58", now=now) == datetime(2026, 1, 1, 23, 58, tzinfo=UTC)
    assert parse_clock("", now=now) is None
    for bad in ["25:00", "noon", "12"]:
        with pytest.raises(ValueError):
            parse_clock(bad, now=now)


def test_only_media_and_pdf_are_evidence_by_their_bytes():
    assert kinds.media_type(MP4) == "video/mp4"
    assert kinds.media_type(PDF) == "application/pdf"
    assert kinds.media_type(ELF) == ""
    assert kinds.media_type(b"") == ""
    assert kinds.media_type(b"just some text, renamed .mp4") == ""
