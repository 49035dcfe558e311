"""Checking a printed receipt's QR link, and the published key that lets anyone do it."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.urls import reverse

from kalantar.complaints.codes import format_tracking_code
from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.receipt_page import receipt_facts, receipt_url
from kalantar.complaints.receipts import (
    ReceiptError,
    build_receipt_path,
    load_public_key,
    verify_receipt_url,
)
from kalantar.core.jalali import format_jalali_datetime

from .conftest import MOBILE, VALID_NATIONAL_CODE, persian

pytestmark = pytest.mark.django_db

AUTHENTIC = 'id="receipt-authentic"'


def _path(complaint: Complaint) -> str:
    """The receipt's link without the site's address, as the browser requests it."""
    return receipt_url(complaint).removeprefix(settings.SITE_URL.rstrip("/"))


def test_a_genuine_receipt_is_authentic_and_matches_the_record(client, complaint):
    response = client.get(_path(complaint))
    html = response.content.decode()
    assert response.status_code == 200 and AUTHENTIC in html and 'id="record-matches"' in html
    assert persian(format_tracking_code(complaint.tracking_code)) in html
    issued = format_jalali_datetime(complaint.filed_at.replace(microsecond=0), "fa", style="long")
    assert issued in html
    assert "کلانتری ۱۱ همدان" in html and "سرقت از منزل" in html
    for personal in ("علی رضایی", "۰۴۹۹۳۷۰۸۹۹", VALID_NATIONAL_CODE, MOBILE):
        assert personal not in html


def _alterations(path: str) -> list[str]:
    """Every single-character change at a few positions of each part of the link."""
    code_at = path.index("/r/") + 3
    positions = {code_at, code_at + 4, code_at + 9}
    for name in ("t=", "u=", "c=", "s="):
        start = path.index(name) + 2
        positions |= {start - 2, start, start + 1}
    positions |= {len(path) - 1, len(path) - 20}
    alphabet = "0123456789AaZz_-.%&=+~"
    return [
        path[:i] + ch + path[i + 1 :] for i in sorted(positions) for ch in alphabet if ch != path[i]
    ]


def test_any_single_character_change_is_not_verified(client, complaint):
    path = _path(complaint)
    altered = _alterations(path)
    assert len(altered) > 300
    for url in altered:
        response = client.get(url)
        assert AUTHENTIC not in response.content.decode(), url
        assert response.status_code in (200, 404), url


def test_a_tampered_receipt_says_so(client, complaint):
    path = _path(complaint)
    forged = path.replace(f"u={complaint.unit.code}", "u=HM01K02")
    html = client.get(forged).content.decode()
    assert 'id="receipt-not-verified"' in html and AUTHENTIC not in html
    assert client.get(path.split("?")[0]).status_code == 200  # no query: not verified either
    assert 'id="receipt-not-verified"' in client.get(path.split("?")[0]).content.decode()


def test_a_receipt_signed_with_another_key_is_not_verified(client, complaint):
    path = build_receipt_path(receipt_facts(complaint), Ed25519PrivateKey.generate())
    assert 'id="receipt-not-verified"' in client.get(path).content.decode()


def test_a_genuine_receipt_whose_complaint_changed_is_shown_as_such(client, complaint):
    path = _path(complaint)
    Complaint.objects.filter(pk=complaint.pk).update(
        category=Category.objects.get(code="shop-burglary")
    )
    html = client.get(path).content.decode()
    assert AUTHENTIC in html and 'id="record-differs"' in html
    assert "سرقت از منزل" in html  # what the receipt says, not what the record says now
    Complaint.objects.filter(pk=complaint.pk).delete()
    html = client.get(path).content.decode()
    assert AUTHENTIC in html and 'id="record-missing"' in html


def test_the_published_key_verifies_receipts(client, complaint):
    response = client.get(reverse("portal:receipt_key"))
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    assert reverse("portal:receipt_key") == "/.well-known/kalantar-receipt-key"
    document = response.json()
    assert document["algorithm"] == "Ed25519"
    url = receipt_url(complaint)
    for text in (document["public_key"], document["public_key_pem"]):
        assert verify_receipt_url(url, load_public_key(text)) == receipt_facts(complaint)
    other = build_receipt_path(receipt_facts(complaint), Ed25519PrivateKey.generate())
    with pytest.raises(ReceiptError):
        verify_receipt_url(other, load_public_key(document["public_key"]))
