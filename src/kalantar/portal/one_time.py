"""One-time codes for the status page, sent by SMS to the mobile given with a complaint.

After repeated failed look-ups of a tracking code (from any address), the status page asks
for a one-time code as well: the owner, who has the phone, still gets in; a stranger who
guessed or knew the national code gets nothing, and cannot lock the owner out.

Codes live in the shared cache (they are short-lived and need no history): at most one live
code per tracking code, so a stranger cannot turn the page into an SMS cannon against the
owner; a code works once and dies after a few wrong tries. Only a digest is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from kalantar.core.persian import to_latin_digits
from kalantar.core.sms import send_sms_in_background

DIGITS = 6
LIFETIME_SECONDS = 10 * 60
MAX_TRIES = 5
_PREFIX = "kalantar:track-otp:"


def _cache_key(tracking_code: str) -> str:
    return _PREFIX + tracking_code


def _digest(tracking_code: str, one_time_code: str) -> str:
    return hashlib.sha256(f"{tracking_code}:{one_time_code}".encode()).hexdigest()


def issue(tracking_code: str, mobile: str) -> None:
    """Send a code to `mobile` unless one is still live for this tracking code."""
    one_time_code = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    entry = {"digest": _digest(tracking_code, one_time_code), "tries": 0}
    if not cache.add(_cache_key(tracking_code), entry, timeout=LIFETIME_SECONDS):
        return  # one is live: no second SMS
    with translation.override(settings.LANGUAGE_CODE):
        # Latin digits, as in the receipt's SMS: phones offer them for autofill.
        text = _("Kalantar: your one-time code to see your complaint's status is %(code)s.") % {
            "code": one_time_code
        }
    send_sms_in_background(mobile, text)


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
