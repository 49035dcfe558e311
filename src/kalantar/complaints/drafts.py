"""A complaint as it was typed, before it is filed, and the checks of its own fields.

Every way in (the desk form, the citizen's online form, the API, Open311) builds a
`ComplaintDraft`; `selectors.check_filing` adds where it would go, and
`services.file_complaint` stores it. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from django.utils.translation import gettext as _

from kalantar.complaints import text_limits
from kalantar.core.persian import normalize_text, to_latin_digits
from kalantar.core.validators import is_valid_national_code, normalize_mobile

if TYPE_CHECKING:
    from kalantar.complaints.models import Category
    from kalantar.org.models import Unit

Errors = dict[str, list[str]]

# The longest text each field may hold (the model's columns; the narrative is a text column).
MAX_LENGTHS = {
    "complainant_name": 150,
    "complainant_address": 300,
    "location_text": 300,
    "summary": 200,
    "accused_officer": 150,
    "override_reason": 300,
    "narrative": text_limits.NARRATIVE,
}
# A clock a few minutes ahead of the server's is not a time in the future.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ComplaintDraft:
    """The fields a complaint is filed with, as typed; `None` where a form could not read one.

    `station` and `override_reason` are the desk's: an officer may hand the complaint to
    another station than the place's, saying why.
    """

    category: Category | None = None
    incident_at: datetime | None = None
    summary: str = ""
    narrative: str = ""
    lat: float | None = None
    lon: float | None = None
    location_text: str = ""
    complainant_name: str = ""
    national_code: str = ""
    mobile: str = ""
    complainant_address: str = ""
    is_anonymous: bool = False
    accused_officer: str = ""
    station: Unit | None = None
    override_reason: str = ""

    @classmethod
    def from_fields(cls, values: Mapping[str, Any]) -> ComplaintDraft:
        """A draft from whatever fields a form could read: missing text reads as empty."""
        kwargs: dict[str, Any] = {}
        for spec in fields(cls):
            value = values.get(spec.name)
            if spec.default == "" and value is None:
                value = ""
            elif spec.name == "is_anonymous":
                value = bool(value)
            kwargs[spec.name] = value
        return cls(**kwargs)


class CleanFields(NamedTuple):
    """A draft's texts as they will be stored: normalised, digits in Latin, mobile canonical."""

    complainant_name: str
    national_code: str
    mobile: str
    complainant_address: str
    location_text: str
    summary: str
    narrative: str
    accused_officer: str
    override_reason: str


def add_error(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def clean_fields(draft: ComplaintDraft) -> CleanFields:
    """The draft's texts normalised, whether or not they are valid."""
    mobile = ""
    if draft.mobile:
        try:
            mobile = normalize_mobile(draft.mobile)
        except ValueError:
            mobile = ""
    return CleanFields(
        complainant_name=normalize_text(draft.complainant_name),
        national_code=to_latin_digits(draft.national_code).strip(),
        mobile=mobile,
        complainant_address=normalize_text(draft.complainant_address),
        location_text=normalize_text(draft.location_text),
        summary=normalize_text(draft.summary),
        narrative=normalize_text(draft.narrative, multiline=True),
        accused_officer=normalize_text(draft.accused_officer),
        override_reason=normalize_text(draft.override_reason),
    )


def field_errors(draft: ComplaintDraft, *, now: datetime) -> Errors:
    """What is wrong with the draft's own fields, by field; every mistake in one round, so a
    form can report them all at once. Where it goes is `selectors.check_filing`'s part."""
    errors: Errors = {}
    clean = clean_fields(draft)
    _check_complainant(errors, draft, clean)
    _check_category(errors, draft.category)
    if draft.incident_at is None:
        add_error(errors, "incident_at", _("Enter the time of the incident."))
    elif draft.incident_at > now + CLOCK_SKEW:
        add_error(errors, "incident_at", _("The time of the incident cannot be in the future."))
    if not clean.summary:
        add_error(errors, "summary", _("Write a one-line summary."))
    if len(clean.narrative) < 10:
        add_error(errors, "narrative", _("Describe what happened in a few sentences."))
    for field, limit in MAX_LENGTHS.items():
        length = len(getattr(clean, field))
        if length > limit:
            add_error(errors, field, text_limits.too_long(limit, length))
    return errors


def _check_category(errors: Errors, category: Category | None) -> None:
    if category is None:
        add_error(errors, "category", _("Choose the category of the complaint."))
    elif not category.is_active:
        add_error(errors, "category", _("This category is no longer in use."))


def _check_complainant(errors: Errors, draft: ComplaintDraft, clean: CleanFields) -> None:
    anonymous = draft.is_anonymous
    if anonymous and draft.category is not None and not draft.category.anonymous_allowed:
        add_error(errors, "is_anonymous", _("This kind of complaint cannot be filed anonymously."))
    if not anonymous and not clean.complainant_name:
        add_error(errors, "complainant_name", _("Enter the complainant's name."))
    if draft.national_code and not is_valid_national_code(draft.national_code):
        add_error(errors, "national_code", _("Enter a valid national code."))
    elif not anonymous and not draft.national_code:
        add_error(errors, "national_code", _("Enter the complainant's national code."))
    if draft.mobile and not clean.mobile:
        add_error(errors, "mobile", _("Enter a valid mobile number, such as 09121234567."))
