"""Log-in throttling: per (username, address) and per address, never per username alone,
and attempts made while paused never extend the pause."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client

from kalantar.core.login_protection import scaled_failures
from tests.conftest import PASSWORD

STRANGER = "203.0.113.66"
STATION = "10.20.0.7"


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    """Dozens of log-ins per test: a fast hasher keeps them quick (the throttle is the subject)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _post(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_scaled_failures_lock_when_any_group_reaches_its_own_limit():
    assert scaled_failures([4, 19], [5, 20], 5) == 4  # neither group at its limit
    assert scaled_failures([1, 20], [5, 20], 5) == 5  # the address reached twenty
    assert scaled_failures([5, 5], [5, 20], 5) == 5  # the pair reached five
    assert scaled_failures([], [], 5) == 0


def test_a_password_spray_from_one_address_is_refused_after_the_limit(make_user, settings):
    for i in range(10):
        make_user(f"officer{i}", "desk_officer", "HM01K01")
    make_user("chief", "station_chief", "HM01K01")
    spray = Client(REMOTE_ADDR=STRANGER)
    answers = [
        _post(spray, f"officer{attempt % 10}", f"guess-{attempt}").status_code
        for attempt in range(40)
    ]
    limit = settings.LOGIN_FAILURES_PER_ADDRESS
    # Wrong passwords re-show the form until the address reaches its limit; from the
    # failure that reaches it on, every attempt from it is refused, even a right password.
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert answers[limit - 1 :] == [429] * (40 - limit + 1)
    assert _post(spray, "chief", PASSWORD).status_code == 429
    assert not _logged_in(spray)
    # The station's own address is not affected.
    station = Client(REMOTE_ADDR=STATION)
    assert _post(station, "chief", PASSWORD).status_code == 302
    assert _logged_in(station)


def test_a_strangers_failures_do_not_lock_the_chief_out(make_user):
    make_user("chief", "station_chief", "HM01K01")
    stranger = Client(REMOTE_ADDR=STRANGER)
    for attempt in range(8):
        _post(stranger, "chief", f"guess-{attempt}")
    assert _post(stranger, "chief", PASSWORD).status_code == 429
    chief = Client(REMOTE_ADDR=STATION)
    assert _post(chief, "chief", PASSWORD).status_code == 302
    assert _logged_in(chief)


def _age_failures(minutes: int) -> None:
    """Move every recorded failure `minutes` into the past, as if that time had passed."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_attempts_while_locked_do_not_extend_the_lock(make_user):
    make_user("desk", "desk_officer", "HM01K01")
    client = Client(REMOTE_ADDR=STATION)
    for attempt in range(5):
        _post(client, "desk", f"guess-{attempt}")
    _age_failures(10)
    # Ten minutes later the lock still holds; these attempts are refused and not counted.
    for attempt in range(3):
        assert _post(client, "desk", f"again-{attempt}").status_code == 429
    assert _post(client, "desk", PASSWORD).status_code == 429
    _age_failures(6)
    # Sixteen minutes after the failures that caused it, the lock is over.
    assert _post(client, "desk", PASSWORD).status_code == 302
    assert _logged_in(client)


def test_a_valid_login_does_not_wipe_the_addresss_failures(make_user, settings):
    for i in range(4):
        make_user(f"officer{i}", "desk_officer", "HM01K01")
    make_user("insider", "desk_officer", "HM01K01")
    spray = Client(REMOTE_ADDR=STRANGER)
    limit = settings.LOGIN_FAILURES_PER_ADDRESS
    for attempt in range(limit - 1):
        _post(spray, f"officer{attempt % 4}", f"guess-{attempt}")
    # An account the attacker holds logs in from the same address…
    assert _post(Client(REMOTE_ADDR=STRANGER), "insider", PASSWORD).status_code == 302
    # …and the spray's count goes on all the same.
    _post(spray, "officer0", "one-more")
    assert _post(spray, "officer1", "and-another").status_code == 429
