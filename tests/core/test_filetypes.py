"""A file's type comes from its bytes: pure checks, no database."""

from __future__ import annotations

import io

import segno

from kalantar.core import filetypes

ACCEPTED = frozenset({"image/jpeg", "image/png", "application/pdf"})
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\0" * 64


def png() -> bytes:
    out = io.BytesIO()
    segno.make("kalantar").save(out, kind="png", scale=2)
    return out.getvalue()


def test_real_files_are_accepted_with_the_type_their_content_proves():
    for name, data, expected in (
        ("photo.jpg", JPEG, "image/jpeg"),
        ("PHOTO.JPEG", JPEG, "image/jpeg"),
        ("scan.png", png(), "image/png"),
        ("letter.pdf", PDF, "application/pdf"),
    ):
        verdict = filetypes.check(name, "application/octet-stream", data, ACCEPTED)
        assert verdict.ok and verdict.content_type == expected


def test_a_renamed_program_or_page_is_refused():
    assert not filetypes.check("photo.jpg", "image/jpeg", EXE, ACCEPTED).ok
    assert not filetypes.check("letter.pdf", "application/pdf", HTML, ACCEPTED).ok
    assert not filetypes.check("photo.png", "image/png", JPEG, ACCEPTED).ok  # not what it says
    assert not filetypes.check("empty.pdf", "application/pdf", b"", ACCEPTED).ok
    refused = filetypes.check("photo.jpg", "image/jpeg", EXE, ACCEPTED)
    assert refused.accepted_kind and refused.claimed == "image/jpeg"


def test_a_type_the_site_does_not_take_is_refused_whatever_the_browser_says():
    verdict = filetypes.check("tool.exe", "image/jpeg", EXE, ACCEPTED)
    assert not verdict.ok and not verdict.accepted_kind


def test_the_served_type_is_read_from_the_bytes():
    assert filetypes.served_type(png(), ACCEPTED) == "image/png"
    assert filetypes.served_type(PDF, ACCEPTED) == "application/pdf"
    # A page or a program stored before the check is only ever offered as a download.
    assert filetypes.served_type(HTML, ACCEPTED) == "application/octet-stream"
    assert filetypes.served_type(EXE, ACCEPTED) == "application/octet-stream"
    assert filetypes.is_inline("image/png") and not filetypes.is_inline("text/html")


def test_download_names_are_safe_and_match_the_served_type():
    assert filetypes.safe_filename("عکس درب.png", "image/png") == "عکس درب.png"
    assert filetypes.safe_filename('a"b\r\nc.pdf', "application/pdf") == "a_b_c.pdf"
    assert filetypes.safe_filename("../../etc/passwd", "application/pdf") == "etc_passwd.pdf"
    assert filetypes.safe_filename("page.html", "application/pdf") == "page.html.pdf"
    assert filetypes.safe_filename("photo.JPG", "image/jpeg") == "photo.JPG"
    assert filetypes.safe_filename("", "image/png") == "attachment.png"
    assert len(filetypes.safe_filename("x" * 500 + ".pdf", "application/pdf")) <= 150
