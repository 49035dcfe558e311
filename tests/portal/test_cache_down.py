"""With the shared cache (Redis) down, the public limits fail closed for filing and open for
reading: a complaint cannot be filed while its count is out of sight, but a citizen can
still follow a complaint and read the public statistics. CACHE_URL points at a port where
nothing listens, as when Redis has stopped."""

from __future__ import annotations

import logging
import socket

import pytest
from django.urls import reverse

from kalantar.complaints.models import Complaint

from .conftest import VALID_NATIONAL_CODE, form_data

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    """A port nothing listens on: bound for a moment, then released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    original = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "kalantar.core.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    yield
    settings.CACHES = original  # before the portal's fixture clears "the" cache


def test_filing_is_refused_and_nothing_is_written(redis_down, client, org_tree, caplog):
    with caplog.at_level(logging.ERROR, logger="kalantar.core.limits"):
        response = client.post(reverse("portal:file"), form_data())
    assert response.status_code == 429
    assert 'id="rate-limited"' in response.content.decode()
    # What the citizen typed comes back, to be sent again later.
    assert "سرقت طلا از منزل" in response.content.decode()
    assert Complaint.objects.count() == 0
    assert "unreachable" in caplog.text and "refused" in caplog.text


def test_a_draft_made_before_the_outage_is_not_filed_during_it(client, org_tree, settings):
    assert client.post(reverse("portal:file"), form_data()).status_code == 302
    original = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "kalantar.core.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    try:
        response = client.post(reverse("portal:confirm"))
    finally:
        settings.CACHES = original
    assert response.status_code == 429
    assert Complaint.objects.count() == 0


def test_a_complaint_can_still_be_followed(redis_down, client, complaint, caplog):
    with caplog.at_level(logging.ERROR, logger="kalantar.core.limits"):
        lookup = {"code": complaint.tracking_code, "secret": VALID_NATIONAL_CODE}
        response = client.post(reverse("portal:track"), lookup)
    assert response.status_code == 200
    assert 'id="complaint-status"' in response.content.decode()
    assert "allowed" in caplog.text


def test_the_public_statistics_are_still_served(redis_down, client, org_tree):
    for _ in range(2):  # nothing is cached, so each one is computed afresh
        response = client.get(reverse("transparency:index"), {"unit": "HM"})
        assert response.status_code == 200


def test_a_guard_licence_can_still_be_checked(redis_down, client, db):
    response = client.get(reverse("security_firms:check"), {"number": "123"})
    assert response.status_code == 200
