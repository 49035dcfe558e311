"""The signed claim printed as a QR on a guard's licence card, on the receipts' pattern.

The QR holds a URL of the public check page::

    /guards/check/?l=<licence number>&e=<expiry, YYYY-MM-DD>&t=<unix seconds>&s=<signature>

The signature is Ed25519 over the UTF-8 bytes of::

    kalantar-guard-card:v1|<licence number>|<expiry>|<unix seconds>

in base64url without padding. Anyone can check the claim's facts offline against the key
published at WELL_KNOWN_PATH; the page adds the live status from the register. Nothing in
the claim identifies the person beyond the licence number printed on the card anyway.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from kalantar.complaints import receipts

MESSAGE_PREFIX = "kalantar-guard-card:v1"
CHECK_PATH = "/guards/check/"
WELL_KNOWN_PATH = "/.well-known/kalantar-guard-card-key"

LICENCE = re.compile(r"G[0-9]{9}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SECONDS = re.compile(r"0|[1-9][0-9]{0,11}")
_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{86}")


class ClaimError(ValueError):
    """A QR text that is not a card claim, or whose signature is not the card key's."""


@dataclass(frozen=True, slots=True)
class CardFacts:
    licence_number: str
    expires: date
    issued_at: datetime

    def message(self) -> bytes:
        seconds = int(self.issued_at.timestamp())
        parts = (MESSAGE_PREFIX, self.licence_number, self.expires.isoformat(), str(seconds))
        return "|".join(parts).encode()


def signing_key() -> Ed25519PrivateKey:
    seed = hashlib.sha256(settings.GUARD_CARD_SIGNING_KEY.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def claim_query(facts: CardFacts, key: Ed25519PrivateKey | None = None) -> str:
    """The query string of the signed claim (the caller puts the check page in front)."""
    signature = _b64url((key or signing_key()).sign(facts.message()))
    seconds = int(facts.issued_at.timestamp())
    return urlencode(
        {"l": facts.licence_number, "e": facts.expires.isoformat(), "t": seconds, "s": signature}
    )


def _one(params: dict[str, list[str]], name: str, pattern: re.Pattern) -> str:
    values = params.get(name, [])
    if len(values) != 1 or not pattern.fullmatch(values[0]):
        raise ClaimError(name)
    return values[0]


def parse_claim(query: str) -> tuple[CardFacts, bytes]:
    """The facts and signature of a claim's query (or of the whole URL); ClaimError if it
    is not one. The signature is not checked here."""
    text = query.strip()
    if "?" in text or "://" in text:
        text = urlsplit(text).query
    params = parse_qs(text, strict_parsing=False)
    licence = _one(params, "l", LICENCE)
    expires_text = _one(params, "e", _DAY)
    seconds = int(_one(params, "t", _SECONDS))
    signature_text = _one(params, "s", _SIGNATURE)
    try:
        expires = date.fromisoformat(expires_text)
        issued = datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise ClaimError("date") from None
    signature = base64.urlsafe_b64decode(signature_text + "==")
    if _b64url(signature) != signature_text:
        raise ClaimError("signature spelling")
    return CardFacts(licence, expires, issued), signature


def verify_claim(query: str, public_key: Ed25519PublicKey | None = None) -> CardFacts:
    """The facts of a genuine claim; ClaimError otherwise (another key, altered facts)."""
    facts, signature = parse_claim(query)
    try:
        (public_key or signing_key().public_key()).verify(signature, facts.message())
    except InvalidSignature:
        raise ClaimError("bad signature") from None
    return facts


def public_key_text() -> str:
    return receipts.public_key_text(signing_key())


def well_known_document(base_url: str) -> dict:
    key = signing_key()
    return {
        "algorithm": "Ed25519",
        "public_key": receipts.public_key_text(key),
        "public_key_pem": receipts.public_key_pem(key),
        "message_format": f"{MESSAGE_PREFIX}|<licence>|<expiry YYYY-MM-DD>|<unix_seconds>",
        "url_format": f"{base_url.rstrip('/')}{CHECK_PATH}?l=<licence>&e=<expiry>&t=<unix_seconds>"
        "&s=<signature>",
        "how_to_verify": (
            "Build the message from l, e and t; decode s from base64url without padding "
            "(64 bytes) and check it as an Ed25519 signature of the UTF-8 message with "
            "public_key (base64 of the raw 32-byte key). The claim says the licence was issued "
            "with that expiry; whether it is still valid today is answered by the check page."
        ),
    }


def qr_svg(url: str) -> str:
    """The card's QR as inline SVG (error level M survives a worn card)."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=3, svgclass="card-qr", omitsize=False)
