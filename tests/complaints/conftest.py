from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.complaints import services
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category

VALID_NATIONAL_CODE = "0499370899"
INSIDE_K01 = {"lon": 48.55, "lat": 34.85}
INSIDE_K02 = {"lon": 48.65, "lat": 34.85}
INSIDE_HM02 = {"lon": 48.85, "lat": 34.25}
# What `file_complaint` takes besides the draft.
FILING_ARGUMENTS = ("by", "channel", "attachments", "now")


@pytest.fixture
def category(db):
    return Category.objects.get(code="home-burglary")


@pytest.fixture
def file(org_tree, category):
    """File a complaint with sensible defaults; keyword arguments override them."""

    def _file(**overrides):
        fields = {
            "by": None,
            "channel": "online",
            "category": category,
            "incident_at": timezone.now() - timedelta(hours=3),
            "summary": "سرقت از منزل",
            "narrative": "دیشب در غیاب ما درب منزل را شکسته و طلاها را برده‌اند.",
            "complainant_name": "علی رضایی",
            "national_code": VALID_NATIONAL_CODE,
            "mobile": "09121234567",
            **INSIDE_K01,
        }
        fields.update(overrides)
        filing = {key: fields.pop(key) for key in FILING_ARGUMENTS if key in fields}
        return services.file_complaint(**filing, draft=ComplaintDraft(**fields))

    return _file
