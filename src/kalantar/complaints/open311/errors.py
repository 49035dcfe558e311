"""Errors answered in the standard's shape: an HTTP status and a list of descriptions."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kalantar.complaints.open311.serializers import NATIONAL_CODE_ATTRIBUTE, number

# The complaint fields file_complaint reports errors on, as the Open311 parameters behind them.
PARAMETERS = {
    "summary": "description",
    "narrative": "description",
    "complainant_name": "first_name, last_name",
    "national_code": f"attribute[{NATIONAL_CODE_ATTRIBUTE}]",
    "mobile": "phone",
    "location": "lat, long",
    "category": "service_code",
}


class Open311Error(Exception):
    """An error answered in the standard's shape: a list of {code, description}."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = list(dict.fromkeys(descriptions))  # unique, in order


class RateLimited(Open311Error):
    """A key over its filing limit: 429, with the seconds to wait."""

    def __init__(self, retry_after: int):
        super().__init__(
            429,
            _("This api_key has sent too many reports; try again in %(seconds)s seconds.")
            % {"seconds": number(retry_after)},
        )
        self.retry_after = retry_after


def refused(error: ValidationError) -> Open311Error:
    """A service's refusal as a 400, each message naming the Open311 parameter behind it."""
    if not hasattr(error, "error_dict"):
        return Open311Error(400, *error.messages)
    return Open311Error(
        400,
        *(
            f"{PARAMETERS.get(field, field)}: {message}"
            for field, messages in error.message_dict.items()
            for message in messages
        ),
    )
