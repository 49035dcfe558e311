"""The citizen pages under production settings with the machine's real Redis as the shared
cache (the README's CACHE_URL=redis://…): they used to answer 500 because the Redis client
was not installed, and the rate limits must be counted in Redis, where every worker sees them.

Keys live in Redis database 13 under a prefix of this test's own, removed afterwards."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.urls import reverse

from tests.portal.conftest import VALID_NATIONAL_CODE, form_data

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def production(settings):
    """What KALANTAR_ENV=production sets, with CACHE_URL pointing at the real Redis."""
    prefix = f"kalantar-test-{uuid.uuid4().hex}"
    original = settings.CACHES
    settings.DEBUG = False
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    server = redis.Redis.from_url(REDIS_URL)
    yield lambda: sorted(k.decode() for k in server.scan_iter(f"{prefix}:*"))
    # Back to the per-test cache before anything clears "the" cache: clearing Redis would
    # flush the whole database, not only this test's keys.
    settings.CACHES = original
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)
    server.close()


def test_status_lookup_is_served_and_limited_through_redis(production, client, complaint, settings):
    settings.STATUS_LOOKUP_RATE_PER_ADDRESS = "2/h"
    track = reverse("portal:track")
    for _ in range(2):
        response = client.post(
            track, {"code": complaint.tracking_code, "secret": VALID_NATIONAL_CODE}, secure=True
        )
        assert response.status_code == 200
        assert 'id="complaint-status"' in response.content.decode()
    # The count is in Redis, where the other workers read it too.
    assert any("rl:" in key for key in production())
    response = client.post(
        track, {"code": complaint.tracking_code, "secret": VALID_NATIONAL_CODE}, secure=True
    )
    assert response.status_code == 429


def test_online_filing_is_served_through_redis(production, client, org_tree):
    response = client.post(reverse("portal:file"), form_data(), secure=True)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("portal:confirm"), secure=True)
    assert response.status_code == 302
    assert response["Location"].startswith("/r/") or "/receipt" in response["Location"]
    assert production(), "the filing limit was not counted in Redis"


def test_transparency_is_served_and_cached_in_redis(production, client, org_tree):
    response = client.get(reverse("transparency:index"), {"unit": "HM"}, secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert production(), "the statistics were not cached in Redis"
    again = client.get(reverse("transparency:index"), {"unit": "HM"}, secure=True)
    assert again.status_code == 200


def test_production_redirects_plain_http_to_https(production, client, db):
    response = client.get(reverse("portal:track"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
