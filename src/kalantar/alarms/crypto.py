"""Panel keys at rest: encrypted with a key derived from SECRET_KEY (Fernet, HKDF)."""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.cache
def _fernet(secret: str) -> Fernet:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"kalantar.alarms.panel-key"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(key_text: str) -> str:
    """Encrypt a panel key (as the operator typed it) for storage; "" stays ""."""
    if not key_text:
        return ""
    return _fernet(settings.SECRET_KEY).encrypt(key_text.encode()).decode()


def unseal(stored: str) -> str:
    if not stored:
        return ""
    try:
        return _fernet(settings.SECRET_KEY).decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("panel key cannot be decrypted with this SECRET_KEY") from exc
