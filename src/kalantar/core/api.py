"""What every JSON API of Kalantar shares: one bounded pagination and the error answers.

`Page` is the only pagination an endpoint uses (`@paginate(Page)`): `limit` defaults to
`API_PAGE_SIZE` and may not exceed `API_MAX_PAGE_SIZE`; `offset` may not exceed
`API_MAX_OFFSET`. A value out of bounds, or not a whole number, is refused with 422 and a
message in the caller's language, before any query runs (an unbounded offset used to reach
the database as an integer it could not hold).

`responses(...)` declares an operation's error answers in the OpenAPI schema, so a client
(and the fuzzer in CI) knows every status it may get.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from kalantar.core.persian import active_digits, format_number, to_latin_digits

__all__ = ["ErrorOut", "InvalidOut", "Page", "responses"]

_WHOLE_NUMBER = re.compile(r"[0-9]{1,20}")


def page_size() -> int:
    return settings.API_PAGE_SIZE


def max_page_size() -> int:
    return settings.API_MAX_PAGE_SIZE


def max_offset() -> int:
    return settings.API_MAX_OFFSET


def _number(n: int) -> str:
    return format_number(n, digits=active_digits(), grouping=False)


def _bounded(value: Any, *, name: str, low: int, high: int) -> int:
    """`value` (a query string, Persian digits allowed) as an int in [low, high]."""
    text = to_latin_digits(value).strip() if isinstance(value, str) else value
    if isinstance(text, str) and _WHOLE_NUMBER.fullmatch(text):
        number: Any = int(text)
    elif isinstance(text, int) and not isinstance(text, bool):
        number = text
    else:
        number = None
    if number is None or not low <= number <= high:
        raise PydanticCustomError(
            "out_of_bounds",
            _("%(name)s must be a whole number from %(low)s to %(high)s.")
            % {"name": name, "low": _number(low), "high": _number(high)},
        )
    return number


class Page(LimitOffsetPagination):
    """Limit/offset pagination with a bounded page: `{"items": [...], "count": n}`.

    The bounds are checked on the input, so the slicing is django-ninja's own."""

    class Input(Schema):
        limit: int = Field(
            default_factory=page_size,
            json_schema_extra={
                "minimum": 1,
                "maximum": settings.API_MAX_PAGE_SIZE,
                "default": settings.API_PAGE_SIZE,
            },
            description="Items per page.",
        )
        offset: int = Field(
            0,
            json_schema_extra={"minimum": 0, "maximum": settings.API_MAX_OFFSET},
            description="Items to skip.",
        )

        # Checked by hand rather than with ge/le so the refusal is in the caller's language.
        @field_validator("limit", mode="before")
        @classmethod
        def _limit(cls, value: Any) -> int:
            return _bounded(value, name="limit", low=1, high=max_page_size())

        @field_validator("offset", mode="before")
        @classmethod
        def _offset(cls, value: Any) -> int:
            return _bounded(value, name="offset", low=0, high=max_offset())


class ErrorOut(Schema):
    """An error: what went wrong, in the caller's language."""

    detail: str


class InvalidOut(Schema):
    """Invalid input: a message, or the list of fields that failed with their messages."""

    detail: str | list[dict[str, Any]]


ERROR_SCHEMAS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: InvalidOut,
}


def responses(ok: Any, *errors: int, status: int = 200, public: bool = False) -> dict[int, Any]:
    """The responses of an operation: `ok` on `status`, and the given error statuses
    (422 always: any parameter may be malformed; 401 unless the endpoint is public; give
    400 for an operation with a body, which is refused when it cannot be read)."""
    codes = sorted({422, *errors} | (set() if public else {401}))
    return {status: ok, **{code: ERROR_SCHEMAS[code] for code in codes}}


def refusal_detail(error: ValidationError) -> list[dict[str, Any]]:
    """A service's refusal as the API's 422 body: each field with its messages (`field` is
    null for what concerns the whole request), in the caller's language."""
    if hasattr(error, "error_dict"):
        return [
            {"field": None if name == NON_FIELD_ERRORS else name, "messages": messages}
            for name, messages in error.message_dict.items()
        ]
    return [{"field": None, "messages": error.messages}]
