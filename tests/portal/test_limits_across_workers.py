"""The online filing limit (5 an hour per address) holds across four real web workers on two
addresses, counted in the machine's real Redis: a citizen whose requests each reach another
worker still files five complaints, and the sixth is refused by every worker. Log-in
throttling (django-axes, in the database every worker shares) holds across them too.

The workers are uvicorn processes, as in production, two on 127.0.0.1 and two on 127.0.0.2
(two hosts behind one load balancer); they share the test database, so the session a
citizen started on one worker goes on on the next. Keys live in Redis database 12 under a
prefix of this test's own, removed afterwards."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from django.conf import settings

from kalantar.complaints.models import Complaint
from tests.conftest import PASSWORD, database_url
from tests.portal.conftest import RECEIPT_KEY, form_data

pytestmark = pytest.mark.django_db(transaction=True)

SRC = Path(__file__).resolve().parents[2] / "src"
REDIS_URL = "redis://127.0.0.1:6379/12"
HOSTS = ["127.0.0.1", "127.0.0.1", "127.0.0.2", "127.0.0.2"]


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _wait_until_serving(url: str, worker: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"worker {url} exited: {worker.stderr.read()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"worker {url} did not answer within {timeout} s")


@pytest.fixture(scope="module")
def workers(django_db_setup, tmp_path_factory) -> Iterator[list[str]]:
    """Four uvicorn processes sharing the test database and one Redis; their base URLs."""
    tmp_path = tmp_path_factory.mktemp("workers")
    prefix = f"kalantar-test-{uuid.uuid4().hex}"
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}},
        "PYTHONPATH": str(SRC),
        "DATABASE_URL": database_url(),
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "KALANTAR_VAR_DIR": str(tmp_path / "var"),
        # One site: every worker signs sessions, receipts and the audit chain alike.
        "SECRET_KEY": settings.SECRET_KEY,
        "AUDIT_KEY": settings.AUDIT_KEY,
        "RECEIPT_SIGNING_KEY": RECEIPT_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,127.0.0.2",
    }
    processes, urls = [], []
    try:
        for host in HOSTS:
            port = _free_port(host)
            argv = [sys.executable, "-m", "uvicorn", "kalantar.asgi:application"]
            argv += ["--host", host, "--port", str(port), "--lifespan", "off", "--no-access-log"]
            processes.append(
                subprocess.Popen(
                    argv, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
                )
            )
            urls.append(f"http://{host}:{port}")
        for url, process in zip(urls, processes, strict=True):
            _wait_until_serving(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        server = redis.Redis.from_url(REDIS_URL)
        for key in server.scan_iter(f"{prefix}:*"):
            server.delete(key)
        server.close()


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


class Browser:
    """One browser (one set of cookies, one source address) whose requests a load balancer
    spreads over the workers."""

    def __init__(self, urls: list[str]):
        self.urls = urls
        # Every request leaves from 127.0.0.1, whichever host it goes to: one address.
        transport = httpx.HTTPTransport(local_address="127.0.0.1")
        self.client = httpx.Client(transport=transport, timeout=60)
        # Behind a load balancer the site has one name, so the browser sends its cookies to
        # every worker; a jar keyed by each worker's address would not.
        self.cookies: dict[str, str] = {}
        self.turn = 0

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = self.client.request(method, url, headers={"Cookie": cookie}, **kwargs)
        self.cookies.update(dict(response.cookies))
        self.client.cookies.clear()
        return response

    def get(self, url: str) -> httpx.Response:
        return self._send("GET", url)

    def post(self, url: str, data: dict) -> httpx.Response:
        return self._send("POST", url, data=data)

    def _next(self) -> str:
        url = self.urls[self.turn % len(self.urls)]
        self.turn += 1
        return url

    def send_form(self, url: str | None = None) -> httpx.Response:
        """Open the form on one worker and send it to the next (or to `url`)."""
        page = self.get(f"{self._next()}/complaint/")
        assert page.status_code == 200
        data = {**form_data(), "csrfmiddlewaretoken": _token(page.text)}
        return self.post(f"{url or self._next()}/complaint/", data=data)

    def confirm(self) -> tuple[str, httpx.Response]:
        """Confirm the draft on the next worker: that worker and its answer."""
        base = self._next()
        page = self.get(f"{base}/complaint/confirm/")
        data = {"csrfmiddlewaretoken": _token(page.text)}
        return base, self.post(f"{base}/complaint/confirm/", data=data)


def test_the_sixth_filing_in_the_hour_is_refused_whichever_worker_answers(workers, org_tree):
    citizen = Browser(workers)
    counted_by = set()
    for filing in range(5):
        sent = citizen.send_form()
        assert sent.status_code == 302, sent.text[:2000]
        worker, confirmed = citizen.confirm()
        assert confirmed.status_code == 302, f"filing {filing + 1}: {confirmed.status_code}"
        assert "/complaint/receipt/" in confirmed.headers["location"]
        counted_by.add(worker)
    assert Complaint.objects.count() == 5
    # Each filing went through three workers in turn; every worker counted one at least.
    assert counted_by == set(workers)

    for url in workers:
        refused = citizen.send_form(url)
        assert refused.status_code == 429, url
        assert 'id="rate-limited"' in refused.text
    assert Complaint.objects.count() == 5


def test_log_in_throttling_holds_whichever_worker_answers(workers, make_user):
    make_user("chief", "station_chief", "HM01K01")
    browser = Browser(workers)

    def log_in(password: str, url: str | None = None) -> int:
        page = browser.get(f"{url or browser._next()}/login/")
        data = {"username": "chief", "password": password}
        data["csrfmiddlewaretoken"] = _token(page.text)
        return browser.post(f"{url or browser._next()}/login/", data=data).status_code

    # Five wrong passwords, each sent to another worker: the fifth reaches the limit.
    assert [log_in(f"guess-{n}") for n in range(5)] == [200, 200, 200, 200, 429]
    # Now even the right password is refused, by every worker.
    assert [log_in(PASSWORD, url) for url in workers] == [429] * 4
