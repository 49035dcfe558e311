"""The public licence check and the card's signed QR."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.core.cache import cache

from kalantar.core.models import AuditEntry
from kalantar.security_firms import card, services

from .conftest import CODES, JPEG, make_licensed

pytestmark = pytest.mark.django_db

PRIVATE = ("national_code", "birth_date", "address", "mobile")


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()


def _api(client, **params):
    return client.get("/api/guards/check", params).json()


def test_a_valid_licence_answers_name_photo_institution_and_expiry_only(client, institution):
    guard = make_licensed(institution, CODES[1], photo=JPEG)
    body = _api(client, number=guard.licence_number)
    assert body == {
        "status": "valid",
        "licence_number": guard.licence_number,
        "name": "علی رضایی",
        "institution": "موسسه انتظام البرز",
        "expires": guard.licence_expires.isoformat(),
        "photo": f"/guards/check/photo/{guard.licence_number}/",
    }
    page = client.get("/guards/check/", {"number": guard.licence_number})
    text = page.content.decode()
    assert 'id="status-valid"' in text and "علی رضایی" in text
    assert guard.national_code not in text
    assert client.get(body["photo"]).status_code == 200


def test_revoked_and_suspended_licences_say_so(client, guard):
    services.change_status(by=None, guard=guard, status="suspended", reason="بررسی")
    assert _api(client, number=guard.licence_number)["status"] == "suspended"
    guard.refresh_from_db()
    services.change_status(by=None, guard=guard, status="revoked", reason="حکم")
    page = client.get("/guards/check/", {"number": guard.licence_number})
    assert 'id="status-revoked"' in page.content.decode()


def test_an_unknown_and_a_malformed_number_answer_alike(client, guard):
    unknown = _api(client, number="G059999999")
    malformed = _api(client, number="'; drop table")
    assert unknown == malformed
    assert set(unknown) == {"status", "licence_number", "name", "institution", "expires", "photo"}
    assert unknown["status"] == "not_found"


def test_a_number_typed_in_persian_digits_is_found(client, guard):
    persian = guard.licence_number.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert _api(client, number=persian.lower())["status"] == "valid"


def test_the_qr_of_the_card_opens_the_live_status(client, guard, make_user):
    staff = make_user("reg2", "security_registrar", "HM")
    client.force_login(staff)
    page = client.get(f"/guards/{guard.pk}/card/").content.decode()
    url = unescape(re.search(r'data-check-url="([^"]+)"', page).group(1))
    client.logout()
    assert 'id="status-valid"' in client.get(url).content.decode()
    services.change_status(by=None, guard=guard, status="revoked", reason="حکم")
    assert 'id="status-revoked"' in client.get(url).content.decode()


def test_a_qr_signed_with_another_key_is_not_genuine(client, guard):
    facts = card.CardFacts(guard.licence_number, guard.licence_expires, guard.status_changed_at)
    forged = card.claim_query(facts, Ed25519PrivateKey.generate())
    page = client.get(f"/guards/check/?{forged}").content.decode()
    assert 'id="status-forged"' in page
    assert "علی رضایی" not in page
    entry = AuditEntry.objects.filter(action="security_firms.public_check").latest("seq")
    assert entry.detail["forged"] is True


def test_an_expired_card_says_expired(client, guard):
    past = guard.licence_expires.replace(year=guard.licence_expires.year - 3)
    facts = card.CardFacts(guard.licence_number, past, guard.status_changed_at)
    page = client.get(f"/guards/check/?{card.claim_query(facts)}").content.decode()
    assert 'id="status-expired"' in page


def test_a_claim_verifies_offline_with_the_published_key(client, guard):
    doc = client.get(card.WELL_KNOWN_PATH).json()
    key = load_pem_public_key(doc["public_key_pem"].encode())
    facts = card.CardFacts(guard.licence_number, guard.licence_expires, guard.status_changed_at)
    assert card.verify_claim(card.claim_query(facts), key).licence_number == guard.licence_number
    altered = card.claim_query(facts).replace(guard.licence_expires.isoformat(), "2099-01-01")
    with pytest.raises(card.ClaimError):
        card.verify_claim(altered, key)


def test_checks_are_rate_limited_and_audited(client, guard, settings):
    settings.GUARD_CHECK_RATE = "3/h"
    for _ in range(3):
        assert client.get("/guards/check/", {"number": guard.licence_number}).status_code == 200
    assert client.get("/guards/check/", {"number": guard.licence_number}).status_code == 429
    assert AuditEntry.objects.filter(action="security_firms.public_check").count() == 3


def test_the_check_never_shows_private_facts(client, institution):
    guard = make_licensed(institution, CODES[2], mobile="09120000000")
    body = _api(client, number=guard.licence_number)
    text = str(body)
    for value in (guard.national_code, guard.birth_date.isoformat(), guard.mobile):
        assert value not in text
    assert not any(k in body for k in PRIVATE)


def test_an_expired_licence_reads_expired_even_before_the_nightly_job(client, guard):
    guard.licence_expires = guard.licence_issued - timedelta(days=1)
    guard.save()
    assert _api(client, number=guard.licence_number)["status"] == "expired"


def test_a_request_without_an_address_is_limited_not_failed(client, guard, settings):
    """Behind a Unix socket without a proxy header Django has no REMOTE_ADDR: the check
    still answers, and such requests share one count."""
    settings.GUARD_CHECK_RATE = "2/h"
    answers = [
        client.get("/api/guards/check", {"number": guard.licence_number}, REMOTE_ADDR="")
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
