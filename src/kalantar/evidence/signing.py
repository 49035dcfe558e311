"""The evidence key: an Ed25519 key whose seed is the SHA-256 of EVIDENCE_SIGNING_KEY. It
signs verified exports; its public half is published at WELL_KNOWN_PATH."""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

WELL_KNOWN_PATH = "/.well-known/kalantar-evidence-key"


def signing_key() -> Ed25519PrivateKey:
    seed = hashlib.sha256(settings.EVIDENCE_SIGNING_KEY.encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_text() -> str:
    """Base64 of the raw 32-byte public key."""
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def sign(data: bytes) -> str:
    return base64.b64encode(signing_key().sign(data)).decode()


def well_known_document() -> dict:
    """The JSON published at WELL_KNOWN_PATH; saved to a file, court_check.py accepts it."""
    pem = public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {
        "algorithm": "Ed25519",
        "public_key": public_key_text(),
        "public_key_pem": pem.decode(),
        "signs": "manifest.json of an evidence export; the signature is manifest.sig (base64)",
        "how_to_verify": (
            "Check manifest.sig as an Ed25519 signature of the bytes of manifest.json with "
            "public_key (base64 of the raw 32-byte key), then check each file the manifest "
            "lists against its size and SHA-256. court_check.py does both."
        ),
    }
