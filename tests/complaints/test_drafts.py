"""A complaint's draft: the checks of its own fields need no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from kalantar.complaints.drafts import MAX_LENGTHS, ComplaintDraft, clean_fields, field_errors
from kalantar.complaints.models import Complaint

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CATEGORY = SimpleNamespace(is_active=True, anonymous_allowed=False)


def _draft(**overrides) -> ComplaintDraft:
    fields = {
        "category": CATEGORY,
        "incident_at": NOW - timedelta(hours=2),
        "summary": "سرقت از منزل",
        "narrative": "دیشب در غیاب ما درب منزل را شکستند.",
        "complainant_name": "علی رضایی",
        "national_code": "۰۴۹۹۳۷۰۸۹۹",
        "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
    }
    return ComplaintDraft(**{**fields, **overrides})


def test_a_complete_draft_has_no_errors_and_is_stored_in_latin_digits():
    assert field_errors(_draft(), now=NOW) == {}
    clean = clean_fields(_draft())
    assert clean.national_code == "0499370899"
    assert clean.mobile.endswith("9121234567")


def test_every_mistake_is_reported_in_one_round():
    draft = _draft(
        complainant_name="",
        national_code="123",
        mobile="12",
        summary=" ",
        narrative="کوتاه",
        incident_at=NOW + timedelta(hours=1),
        is_anonymous=True,
    )
    errors = field_errors(draft, now=NOW)
    assert set(errors) == {
        "is_anonymous",
        "national_code",
        "mobile",
        "summary",
        "narrative",
        "incident_at",
    }


def test_a_draft_from_a_form_that_could_read_little_is_still_checked():
    draft = ComplaintDraft.from_fields({"summary": None, "lat": None, "category": None})
    errors = field_errors(draft, now=NOW)
    assert {"category", "incident_at", "summary", "complainant_name"} <= set(errors)


def test_the_length_limits_are_the_columns():
    for field, limit in MAX_LENGTHS.items():
        column = Complaint._meta.get_field(field)
        if column.get_internal_type() == "CharField":
            assert column.max_length == limit, field
