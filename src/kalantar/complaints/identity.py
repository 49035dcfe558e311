"""Who may see a complainant's identity, and the pseudonym everyone else sees.

Analysts study patterns, not people: they get a stable pseudonym instead of the name,
national code, mobile and address, so a repeat complainant still shows as a repeat.
Every read of complaints (pages, API, exports, other apps) goes through
`selectors.complaints_for`, which applies `pseudonymised()` to the rows of users without
`IDENTITY_PERMISSION`; this module holds the rule and the pseudonym.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db.models.query import ModelIterable
from django.utils.translation import gettext as _

from kalantar.core.persian import digits

IDENTITY_PERMISSION = "complaints.view_complainant_identity"

# Fields that identify the complainant; blanked in the rows of users without the permission.
IDENTITY_FIELDS = ("complainant_name", "national_code", "mobile", "complainant_address")

# Eight digits: with four, two of a province's few thousand complainants would often share a
# pseudonym and show as one repeat complainant.
_PSEUDONYM_DIGITS = 8


def may_see_identity(user) -> bool:
    return bool(user is not None and user.has_perm(IDENTITY_PERMISSION))


def pseudonym_number(national_code: str) -> str:
    """The complainant's stable number: an HMAC of the national code keyed by SECRET_KEY,
    so it cannot be reversed by hashing all ten-digit codes without the key."""
    if not national_code:
        return ""
    key = f"kalantar.complainant-pseudonym:{settings.SECRET_KEY}".encode()
    digest = hmac.new(key, national_code.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") % 10**_PSEUDONYM_DIGITS
    text = f"{number:0{_PSEUDONYM_DIGITS}d}"
    return f"{text[:4]}-{text[4:]}"


def pseudonym(national_code: str) -> str:
    """The pseudonym of the complainant with this national code, in the page's language."""
    return pseudonym_label(pseudonym_number(national_code))


def pseudonym_label(number: str) -> str:
    """ "شاکی ۱۲۳۴-۵۶۷۸" on Persian pages, "Complainant 1234-5678" on English ones."""
    if not number:
        return ""
    label = _("Complainant %(number)s") % {"number": number}
    return digits(label)


def pseudonymise(complaint):
    """Blank the identity of a complaint read for a user who may not see it.

    The instance is marked so that it can never be saved (its blanks would overwrite the
    real identity); the pseudonym number stays on it for pages and API."""
    complaint.complainant_pseudonym_number = pseudonym_number(complaint.national_code)
    for name in IDENTITY_FIELDS:
        setattr(complaint, name, "")
    complaint.identity_hidden = True
    return complaint


class PseudonymisedIterable(ModelIterable):
    """Model rows with the identity blanked, whatever filters or slicing follow."""

    def __iter__(self):
        for complaint in super().__iter__():
            yield pseudonymise(complaint)
