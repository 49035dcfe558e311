"""Fixtures for incidents: the shared two-county tree, users and a helper to open incidents."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kalantar.incidents import services


@pytest.fixture
def chief1(make_user):
    return make_user("chief1", "station_chief", "HM01K01")


@pytest.fixture
def chief2(make_user):
    return make_user("chief2", "station_chief", "HM01K02")


@pytest.fixture
def county_user(make_user):
    return make_user("county1", "county_commander", "HM01")


@pytest.fixture
def incident_at():
    """Open an incident inside station HM01K01 (or at the given point) at a given time."""

    def make(
        when: datetime | None = None,
        *,
        category: str = "snatching",
        lon: float = 48.55,
        lat: float = 34.85,
        by=None,
        **extra,
    ):
        when = when or timezone.now() - timedelta(hours=1)
        return services.open_incident(
            by=by,
            source="call_110",
            category=category,
            lon=lon,
            lat=lat,
            occurred_at=when,
            **extra,
        )

    return make
