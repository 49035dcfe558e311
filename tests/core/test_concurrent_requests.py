"""One signed-in user's pages fetching in parallel, as the map does, each saving the session."""

from __future__ import annotations

import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from tests.conftest import VerifiedClient

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_requests_of_one_session_all_succeed(live_server, make_user):
    client = VerifiedClient()
    client.force_login(make_user("chief", "station_chief", "HM01"))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def fetch(_: int) -> int:
        request = urllib.request.Request(
            f"{live_server.url}/api/jurisdictions", headers={"Cookie": cookie}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(fetch, range(40)))
    assert statuses == [200] * 40
