from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.receipts import generate_private_key_text
from kalantar.core.jalali import format_jalali_datetime
from tests import factories

VALID_NATIONAL_CODE = "0499370899"
OTHER_NATIONAL_CODE = "0012345679"
MOBILE = "09121234567"
INSIDE_K01 = {"lon": "48.55", "lat": "34.85"}
RECEIPT_KEY = generate_private_key_text()


@pytest.fixture(autouse=True)
def _fresh_limits_and_key(settings):
    """Every test starts with no requests counted, and signs receipts with a key of its own."""
    settings.RECEIPT_SIGNING_KEY = RECEIPT_KEY
    cache.clear()
    yield
    cache.clear()


def category_pk(code: str) -> int:
    return Category.objects.get(code=code).pk


def form_data(**overrides) -> dict:
    """A complete online complaint as the browser posts it (time typed in Persian digits)."""
    incident_at = timezone.now() - timedelta(hours=3)
    data = {
        "category": category_pk("home-burglary"),
        "incident_at": format_jalali_datetime(incident_at, "fa"),
        "summary": "سرقت طلا از منزل",
        "narrative": "دیشب در غیاب ما درب منزل را شکستند و طلاها را بردند.",
        "complainant_name": "علی رضایی",
        "national_code": "۰۴۹۹۳۷۰۸۹۹",
        "mobile": MOBILE,
        "complainant_address": "همدان، خیابان بوعلی",
        "location_text": "همدان، کوچه لاله",
        **INSIDE_K01,
    }
    data.update(overrides)
    return data


def file_online(client, **overrides) -> Complaint:
    """Fill in the form, confirm it, and return the complaint filed."""
    response = client.post(reverse("portal:file"), form_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("portal:confirm")
    response = client.post(reverse("portal:confirm"))
    assert response.status_code == 302
    complaint = Complaint.objects.order_by("-filed_at").first()
    assert response["Location"] == reverse("portal:receipt", args=[complaint.tracking_code])
    return complaint


@pytest.fixture
def complaint(org_tree):
    """A complaint filed at the desk of HM01K01 (as far as the citizen can tell, any channel)."""
    return factories.file_complaint(complainant_address="همدان، خیابان بوعلی")


def main_block(html: str) -> str:
    """The page's main content, without the CSRF token (which differs on every render)."""
    block = re.search(r"<main\b.*?</main>", html, re.S).group()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", block)


def persian(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
