"""One-time codes for the status page, sent by SMS to the mobile given with a complaint.

After repeated failed look-ups of a tracking code (from any address), the status page asks
for a one-time code as well: the owner, who has the phone, still gets in; a stranger who
guessed or knew the national code gets nothing, and cannot lock the owner out.

Codes live in the shared cache (they are short-lived and need no history): at most one live
code per tracking code, so a stranger cannot turn the page into an SMS cannon against the
owner; a code works once and dies after a few wrong tries. Only a digest is kept.

The SMS goes out as a background task (core.tasks), whose row outlives the code: so the
code is never in it. The row holds a random nonce; the code is drawn from the nonce with a
key derived from SECRET_KEY (an HMAC), at the look-up (for the digest) and in the task (for
the SMS). A task run again sends the same code under the same message id, which a gateway
that takes ids drops; the task of a code that expired or was replaced sends nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kalantar.core.persian import to_latin_digits
from kalantar.core.sms import send_through_gateway
from kalantar.core.tasks import task

DIGITS = 6
LIFETIME_SECONDS = 10 * 60
MAX_TRIES = 5
_PREFIX = "kalantar:track-otp:"


def _cache_key(tracking_code: str) -> str:
    return _PREFIX + tracking_code


def _digest(tracking_code: str, one_time_code: str) -> str:
    return hashlib.sha256(f"{tracking_code}:{one_time_code}".encode()).hexdigest()


def _code_of(nonce: str) -> str:
    mac = salted_hmac("kalantar.portal.one_time", nonce, algorithm="sha256").digest()
    return f"{int.from_bytes(mac[:8], 'big') % 10**DIGITS:0{DIGITS}d}"


def issue(tracking_code: str, mobile: str) -> None:
    """Queue a code for `mobile` unless one is still live for this tracking code."""
    nonce = secrets.token_hex(16)
    entry = {"digest": _digest(tracking_code, _code_of(nonce)), "tries": 0, "nonce": nonce}
    if not cache.add(_cache_key(tracking_code), entry, timeout=LIFETIME_SECONDS):
        return  # one is live: no second SMS
    send_code.enqueue(tracking_code=tracking_code, mobile=mobile, nonce=nonce)


@task("portal.one_time_code", max_attempts=3, label=gettext_lazy("Send a one-time code"))
def send_code(*, tracking_code: str, mobile: str, nonce: str) -> str:
    """Send the code of `nonce` by SMS while it is the live one for the tracking code."""
    entry = cache.get(_cache_key(tracking_code))
    if not mobile or entry is None or entry.get("nonce") != nonce:
        return "expired, used or replaced: nothing sent"
    with translation.override(settings.LANGUAGE_CODE):
        # Latin digits, as in the receipt's SMS: phones offer them for autofill.
        text = _("Kalantar: your one-time code to see your complaint's status is %(code)s.") % {
            "code": _code_of(nonce)
        }
    send_through_gateway(mobile, text, message_id=f"otp:{nonce}")
    return "sent"


def decoy(tracking_code: str) -> None:
    """What `issue` does, sending nothing, for a look-up whose secret was wrong: the same
    cache work and the same task row (whose nonce is nobody's), so that its timing and the
    queue tell nothing about the secret."""
    cache.get(_cache_key(tracking_code))
    send_code.enqueue(tracking_code=tracking_code, mobile="", nonce=secrets.token_hex(16))


def touch(tracking_code: str) -> None:
    """The same cache work as issue or check, for a look-up that has nothing to send or check
    (a wrong code or secret), so that its timing matches a right one's."""
    cache.get(_cache_key(tracking_code))


def check(tracking_code: str, given: str) -> bool:
    """Whether `given` is the live code; a right code is used up, wrong tries are counted."""
    key = _cache_key(tracking_code)
    entry = cache.get(key)
    candidate = to_latin_digits(given or "").strip()
    expected = entry["digest"] if entry else _digest(tracking_code, "-")
    matched = hmac.compare_digest(_digest(tracking_code, candidate), expected)
    if entry is None:
        return False
    if matched:
        cache.delete(key)
        return True
    entry["tries"] += 1
    if entry["tries"] >= MAX_TRIES:
        cache.delete(key)
    else:
        cache.set(key, entry, timeout=LIFETIME_SECONDS)
    return False
