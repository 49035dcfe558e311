"""Signed receipts (رسید): a URL, printed as a QR code, that proves a complaint was registered.

The URL carries the facts of the receipt and an Ed25519 signature over them::

    /r/<tracking_code>?t=<unix seconds>&u=<station code>&c=<category code>&s=<signature>

The signature covers the UTF-8 bytes of::

    kalantar-receipt:v1|<tracking_code>|<unix seconds>|<station code>|<category code>

and is written in base64url without padding. The public key is published at
`/.well-known/kalantar-receipt-key` (see `well_known_document`), so a citizen, a lawyer or an
inspector can check a receipt without trusting the station that printed it.

Parsing is strict: every part has exactly one accepted spelling (Latin digits, no leading
zeros, canonical percent-encoding and base64url), so changing any character of the path or
query makes the URL either unreadable or unsigned, never "the same receipt spelled
differently". Codes are case-sensitive: the message holds the exact strings.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kalantar.complaints.codes import CODE_LENGTH, is_valid_tracking_code

__all__ = [
    "KEY_FILE_NAME",
    "MESSAGE_PREFIX",
    "WELL_KNOWN_PATH",
    "ReceiptClaim",
    "ReceiptError",
    "ReceiptFacts",
    "build_receipt_path",
    "clear_signing_key_cache",
    "generate_private_key_text",
    "load_private_key",
    "load_public_key",
    "parse_receipt_url",
    "public_key_pem",
    "public_key_text",
    "qr_svg",
    "signing_key",
    "verify_receipt_url",
    "well_known_document",
]

MESSAGE_PREFIX = "kalantar-receipt:v1"
RECEIPT_PATH = "/r/"
WELL_KNOWN_PATH = "/.well-known/kalantar-receipt-key"
KEY_FILE_NAME = "receipt_signing_key"

_PARAMS = frozenset({"t", "u", "c", "s"})
_MAX_CODE_CHARS = 64  # station and category codes; real ones are far shorter
_MAX_URL_CHARS = 2048
_SEED_BYTES = 32
_CANONICAL_CODE = re.compile(rf"[0-9]{{{CODE_LENGTH}}}")
# Unix seconds without a sign or leading zeros; 12 digits reach past the year 9999.
_UNIX_SECONDS = re.compile(r"0|[1-9][0-9]{0,11}")
# 64 signature bytes are 86 base64url characters once the padding is dropped.
_SIGNATURE = re.compile(r"[A-Za-z0-9_-]{86}")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*")

PublicKeyLike = Ed25519PublicKey | Ed25519PrivateKey


class ReceiptError(ValueError):
    """A receipt URL that cannot be read or whose signature does not hold.

    `reason` is one of MALFORMED, BAD_CODE (the tracking code's check digit fails, as when
    it was typed wrongly) or BAD_SIGNATURE (well formed, but not signed by this key).
    """

    MALFORMED = "malformed"
    BAD_CODE = "bad_code"
    BAD_SIGNATURE = "bad_signature"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _check_code_field(name: str, value: object) -> None:
    # "|" separates the message's fields: allowing it would let two different receipts
    # ("A|B", "C") and ("A", "B|C") share one signature.
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= _MAX_CODE_CHARS
        or "|" in value
        or not value.isprintable()
        or any(ch.isspace() for ch in value)
    ):
        raise ValueError(f"{name} must be a short code without spaces or '|': {value!r}")


@dataclass(frozen=True, slots=True)
class ReceiptFacts:
    """What a receipt attests. `issued_at` must be aware; it is kept in UTC, whole seconds."""

    tracking_code: str
    issued_at: datetime
    station: str
    category: str

    def __post_init__(self) -> None:
        code = self.tracking_code
        if not isinstance(code, str) or not _CANONICAL_CODE.fullmatch(code):
            raise ValueError(f"tracking_code must be {CODE_LENGTH} Latin digits: {code!r}")
        if not is_valid_tracking_code(code):
            raise ValueError(f"tracking_code fails its check digit: {code!r}")
        issued_at = self.issued_at
        if not isinstance(issued_at, datetime) or issued_at.utcoffset() is None:
            raise ValueError("issued_at must be a timezone-aware datetime")
        # The URL carries whole seconds; keeping the same here makes facts round-trip.
        issued_at = issued_at.astimezone(UTC).replace(microsecond=0)
        if issued_at.timestamp() < 0:
            raise ValueError("issued_at must not be before 1970")
        object.__setattr__(self, "issued_at", issued_at)
        _check_code_field("station", self.station)
        _check_code_field("category", self.category)

    @property
    def unix_seconds(self) -> int:
        return int(self.issued_at.timestamp())

    def message(self) -> bytes:
        """The exact bytes that are signed."""
        fields = (MESSAGE_PREFIX, self.tracking_code, str(self.unix_seconds))
        return "|".join((*fields, self.station, self.category)).encode()


@dataclass(frozen=True, slots=True)
class ReceiptClaim:
    """A well-formed receipt URL whose signature has not been checked yet."""

    facts: ReceiptFacts
    signature: bytes

    def verify(self, public_key: PublicKeyLike) -> ReceiptFacts:
        """The facts, if the signature is this key's; ReceiptError otherwise."""
        if isinstance(public_key, Ed25519PrivateKey):
            public_key = public_key.public_key()
        try:
            public_key.verify(self.signature, self.facts.message())
        except InvalidSignature:
            raise ReceiptError(ReceiptError.BAD_SIGNATURE) from None
        return self.facts


# --- URLs ------------------------------------------------------------------------------------


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def build_receipt_path(facts: ReceiptFacts, private_key: Ed25519PrivateKey) -> str:
    """The signed path and query; the caller puts the site's base URL in front."""
    signature = _b64url(private_key.sign(facts.message()))
    station = quote(facts.station, safe="")
    category = quote(facts.category, safe="")
    query = f"t={facts.unix_seconds}&u={station}&c={category}&s={signature}"
    return f"{RECEIPT_PATH}{facts.tracking_code}?{query}"


def _malformed(detail: str) -> ReceiptError:
    return ReceiptError(ReceiptError.MALFORMED, detail)


def _query_params(query: str) -> dict[str, str]:
    # Our own split rather than parse_qs: parse_qs forgives duplicates, blanks and "+".
    params: dict[str, str] = {}
    for item in query.split("&"):
        name, sep, value = item.partition("=")
        if not sep or name not in _PARAMS:
            raise _malformed(f"unexpected query item {item!r}")
        if name in params:
            raise _malformed(f"parameter {name!r} given twice")
        params[name] = value
    missing = _PARAMS - params.keys()
    if missing:
        raise _malformed(f"missing parameters {sorted(missing)}")
    return params


def _unquote_canonical(name: str, value: str) -> str:
    try:
        text = unquote(value, errors="strict")
    except UnicodeDecodeError:
        raise _malformed(f"{name} is not UTF-8") from None
    if quote(text, safe="") != value:
        raise _malformed(f"{name} is not canonically percent-encoded")
    return text


def _decode_signature(text: str) -> bytes:
    if not _SIGNATURE.fullmatch(text):
        raise _malformed("signature is not 86 base64url characters")
    raw = base64.urlsafe_b64decode(text + "==")
    # The last character has 4 spare bits; only the spelling with them zero is accepted.
    if _b64url(raw) != text:
        raise _malformed("signature is not canonical base64url")
    return raw


def _split_url(url: object) -> tuple[str, str]:
    if not isinstance(url, str):
        raise _malformed("not a string")
    text = url.strip()
    if len(text) > _MAX_URL_CHARS or "#" in text:
        raise _malformed("too long or has a fragment")
    # urlsplit silently drops tabs and line breaks; a receipt URL never contains any.
    if not text.isprintable() or " " in text:
        raise _malformed("contains spaces or control characters")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise _malformed("not a URL") from None
    if parts.scheme not in ("", "http", "https"):
        raise _malformed(f"unexpected scheme {parts.scheme!r}")
    return parts.path, parts.query


def parse_receipt_url(url: str) -> ReceiptClaim:
    """Read a receipt URL (full, or path and query) without checking its signature.

    The site may be mounted under a prefix (…/kalantar/r/<code>); the path must end in
    /r/<code>. Raises ReceiptError with reason MALFORMED or BAD_CODE.
    """
    path, query = _split_url(url)
    prefix, sep, code = path.rpartition(RECEIPT_PATH)
    if not sep or (prefix and not prefix.startswith("/")):
        raise _malformed("path is not …/r/<tracking code>")
    if not _CANONICAL_CODE.fullmatch(code):
        raise _malformed(f"tracking code is not {CODE_LENGTH} Latin digits")
    if not is_valid_tracking_code(code):
        raise ReceiptError(ReceiptError.BAD_CODE, "tracking code fails its check digit")
    params = _query_params(query)
    if not _UNIX_SECONDS.fullmatch(params["t"]):
        raise _malformed("t is not canonical unix seconds")
    try:
        issued_at = datetime.fromtimestamp(int(params["t"]), tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise _malformed("t is out of range") from None
    station = _unquote_canonical("u", params["u"])
    category = _unquote_canonical("c", params["c"])
    signature = _decode_signature(params["s"])
    try:
        facts = ReceiptFacts(code, issued_at, station, category)
    except ValueError as e:
        raise _malformed(str(e)) from None
    return ReceiptClaim(facts=facts, signature=signature)


def verify_receipt_url(url: str, public_key: PublicKeyLike) -> ReceiptFacts:
    """The facts of a genuine receipt URL; ReceiptError for anything else."""
    return parse_receipt_url(url).verify(public_key)


# --- Keys ------------------------------------------------------------------------------------


def _b64decode_lenient(text: str) -> bytes:
    """Standard or URL-safe base64, padded or not: people paste keys in either form."""
    s = "".join(text.split()).replace("-", "+").replace("_", "/").rstrip("=")
    if not _BASE64.fullmatch(s):
        raise ValueError("not base64")
    return base64.b64decode(s + "=" * (-len(s) % 4), validate=True)


def load_private_key(value: str) -> Ed25519PrivateKey:
    """An Ed25519 private key from its 32-byte seed in base64 (standard or URL-safe)."""
    raw = _b64decode_lenient(value)
    if len(raw) != _SEED_BYTES:
        raise ValueError(f"an Ed25519 seed is {_SEED_BYTES} bytes, got {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw)


def generate_private_key_text() -> str:
    """A new seed in base64, ready for RECEIPT_SIGNING_KEY."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode("ascii")


def _public(key: PublicKeyLike) -> Ed25519PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key


def public_key_text(private_key: PublicKeyLike) -> str:
    """The raw 32-byte public key in standard base64."""
    raw = _public(private_key).public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return base64.b64encode(raw).decode("ascii")


def public_key_pem(private_key: PublicKeyLike) -> str:
    """The public key as PEM (SubjectPublicKeyInfo), for openssl and most libraries."""
    return (
        _public(private_key)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key from `public_key_text` (base64 of 32 bytes) or `public_key_pem`."""
    if "-----BEGIN" in text:
        key = serialization.load_pem_public_key(text.strip().encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    raw = _b64decode_lenient(text)
    if len(raw) != _SEED_BYTES:
        raise ValueError(f"an Ed25519 public key is {_SEED_BYTES} bytes, got {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def signing_key() -> Ed25519PrivateKey:
    """The site's receipt signing key, from settings.RECEIPT_SIGNING_KEY.

    Outside production an empty setting means a key generated once and kept in
    VAR_DIR/receipt_signing_key, so printed receipts stay valid across restarts.
    """
    configured = settings.RECEIPT_SIGNING_KEY.strip()
    return _signing_key(configured, settings.PRODUCTION, str(settings.VAR_DIR))


def clear_signing_key_cache() -> None:
    _signing_key.cache_clear()


# Keyed on the settings it reads, so changed settings (as in tests) never see a stale key.
@functools.lru_cache(maxsize=4)
def _signing_key(configured: str, production: bool, var_dir: str) -> Ed25519PrivateKey:
    if configured:
        try:
            return load_private_key(configured)
        except ValueError as e:
            raise ImproperlyConfigured(
                "RECEIPT_SIGNING_KEY must be a 32-byte Ed25519 seed in base64."
            ) from e
    if production:
        raise ImproperlyConfigured("RECEIPT_SIGNING_KEY must be set in production.")
    if not var_dir:
        raise ImproperlyConfigured("RECEIPT_SIGNING_KEY or VAR_DIR must be set.")
    return _development_key(Path(var_dir) / KEY_FILE_NAME)


def _development_key(path: Path) -> Ed25519PrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_once(path, generate_private_key_text() + "\n")
    try:
        return load_private_key(path.read_text(encoding="ascii"))
    except ValueError as e:
        # Never replace it: receipts already printed were signed with whatever was there.
        raise ImproperlyConfigured(f"{path} does not hold a base64 Ed25519 seed.") from e


def _write_once(path: Path, text: str) -> None:
    """Create `path` (mode 0600) whole, unless another process has just created it.

    Two processes starting together (a server and its workers) must end up with one key:
    the file is written aside and linked into place, which fails if it already exists.
    """
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # the other process won; both read its key
    finally:
        os.unlink(temporary)


# --- Publishing ------------------------------------------------------------------------------


def well_known_document(private_key: PublicKeyLike, base_url: str) -> dict:
    """The JSON published at /.well-known/kalantar-receipt-key."""
    base = base_url.rstrip("/")
    return {
        "algorithm": "Ed25519",
        "public_key": public_key_text(private_key),
        "public_key_pem": public_key_pem(private_key),
        "message_format": f"{MESSAGE_PREFIX}|<tracking_code>|<unix_seconds>|<station>|<category>",
        "url_format": (
            f"{base}{RECEIPT_PATH}<tracking_code>"
            "?t=<unix_seconds>&u=<station>&c=<category>&s=<signature>"
        ),
        "how_to_verify": (
            "Take the tracking code from the path and t, u, c from the query (percent-decode "
            "u and c). Build the message from message_format and encode it as UTF-8. Decode s "
            "from base64url without padding (64 bytes) and check it as an Ed25519 signature of "
            "the message with public_key (base64 of the raw 32-byte key). t is the time of "
            "issue in Unix seconds (UTC)."
        ),
    }


def qr_svg(url: str) -> str:
    """An inline <svg class="receipt-qr"> of `url`, sized for print, for the receipt page."""
    # Error level M at least (segno raises it when that costs no size): survives a fold or
    # a smudge on paper. The quiet zone (border) stays at the standard 4 modules.
    qr = segno.make(url, error="m", micro=False)
    scale = 4
    svg = qr.svg_inline(scale=scale, svgclass="receipt-qr", omitsize=True)
    # segno writes either a size or a viewBox; with both, CSS can shrink the code for a
    # narrow thermal receipt and it still scales instead of being cut off.
    width, height = qr.symbol_size(scale=scale)
    return svg.replace("<svg ", f'<svg width="{width}" height="{height}" ', 1)
