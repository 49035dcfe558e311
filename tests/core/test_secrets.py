"""Secrets shown once: what is stored cannot be turned back into the secret, and a secret of
another kind is refused without a lookup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kalantar.core import secrets


def test_a_drawn_secret_is_stored_only_as_its_digest_and_a_short_prefix():
    drawn = secrets.draw("klt_")
    assert drawn.raw.startswith("klt_") and len(drawn.raw) > 40
    assert drawn.shown == drawn.raw[:8] and drawn.digest == secrets.digest(drawn.raw)
    assert drawn.raw not in (drawn.shown, drawn.digest)
    assert secrets.draw("klt_").raw != drawn.raw


def test_only_a_secret_of_its_kind_is_looked_up():
    assert secrets.is_of_kind("o311_abc", "o311_")
    assert not secrets.is_of_kind("klt_abc", "o311_")
    assert not secrets.is_of_kind("", "o311_") and not secrets.is_of_kind(None, "o311_")


def test_a_use_is_recorded_at_most_once_per_resolution():
    now = datetime(2026, 3, 21, 8, 0, tzinfo=UTC)
    five_minutes = timedelta(minutes=5)
    assert secrets.use_is_news(None, now, five_minutes)
    assert not secrets.use_is_news(now - timedelta(minutes=4), now, five_minutes)
    assert secrets.use_is_news(now - timedelta(minutes=6), now, five_minutes)
