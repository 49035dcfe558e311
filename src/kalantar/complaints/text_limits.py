"""How long a complaint's free texts may be, and the one message that says so.

The forms and the services both enforce these: a form tells the person at once, the service
refuses what arrives another way (the API, Open311). Pure: no database.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

from kalantar.core.persian import digits

# A page of A4 is about 3,000 characters of Persian; a complaint's story fits in two.
NARRATIVE = 6000
# A note on a status change, or a reason for it.
NOTE = 2000
# What the citizen adds to a rating.
COMMENT = 500


def too_long(limit: int, length: int) -> str:
    """A Persian message with Persian digits (Django's own says "%(limit_value)d" in Latin)."""
    return _("Write at most %(limit)s characters; this text has %(length)s.") % {
        "limit": digits(limit),
        "length": digits(length),
    }


@deconstructible
class MaxLength:
    """A form validator giving `too_long`'s message."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def __call__(self, value: str) -> None:
        if value is not None and len(value) > self.limit:
            raise ValidationError(too_long(self.limit, len(value)), code="max_length")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxLength) and other.limit == self.limit
