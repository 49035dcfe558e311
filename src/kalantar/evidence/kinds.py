"""Which files are evidence: video, audio, images and PDF, told by their bytes alone (a
camera's file names say nothing). Pure: no Django, tested on its own."""

from __future__ import annotations

import puremagic

FAMILIES = ("video/", "audio/", "image/")
OTHER_ACCEPTED = frozenset({"application/pdf", "application/x-matroska"})
SNIFF_BYTES = 8192


def media_type(head: bytes) -> str:
    """The accepted type the file's first bytes prove, the likeliest first; "" if none."""
    if not head:
        return ""
    try:
        matches = puremagic.magic_string(bytes(head[:SNIFF_BYTES]))
    except (puremagic.PureError, ValueError):
        return ""
    for match in matches:
        mime = (match.mime_type or "").lower()
        if mime.startswith(FAMILIES) or mime in OTHER_ACCEPTED:
            return mime
    return ""
