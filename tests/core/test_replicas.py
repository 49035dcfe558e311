"""Read replicas: a real streaming replica of the test's PostgreSQL, made with pg_basebackup
once the test database exists and started on a port of its own. An Open311 application
files a report and reads it back at once: the replica never hands it a stale copy."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import pytest
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kalantar.complaints.models import Complaint
from kalantar.complaints.open311 import keys
from kalantar.core import replicas
from kalantar.core.replicas import is_write, reads_from_replica
from tests.complaints.test_open311 import BASE, post, report

REPLICA = "streaming_replica"
DOWN = "replica_down"
SERVER_USER = "postgres"


# ---------------------------------------------------------------- pure parts


def test_only_statements_that_cannot_change_data_count_as_reads():
    assert not is_write("  select * from complaints_complaint")
    assert not is_write("SAVEPOINT s1") and not is_write("RELEASE SAVEPOINT s1")
    assert is_write('INSERT INTO "core_auditentry" VALUES (1)')
    assert is_write("UPDATE x SET y = 1") and is_write("DELETE FROM x")
    # Anything unknown is a write: the primary reads it back rather than risk a stale page.
    assert is_write("WITH moved AS (DELETE FROM x RETURNING *) SELECT 1")


@pytest.mark.django_db
def test_without_replicas_reads_stay_on_the_primary_and_nothing_is_asked(settings):
    settings.DATABASE_REPLICAS = []
    with CaptureQueriesContext(connections["default"]) as queries, reads_from_replica() as alias:
        pass
    assert alias is None and not queries.captured_queries


# ---------------------------------------------------------------- a real replica


def _bin(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL's server refuses to run as root: run it as the server's own user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", SERVER_USER, "--", *command]
    return command


@dataclass
class Replica:
    port: int
    data: Path

    def sql(self, statement: str):
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone()

    def pause(self) -> None:
        self.sql("SELECT pg_wal_replay_pause()")

    def resume(self) -> None:
        self.sql("SELECT pg_wal_replay_resume()")

    def catch_up(self, timeout: float = 10.0) -> None:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + timeout
        while not self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0]:
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.05)


def _alias(port: int) -> dict:
    config = dict(connections["default"].settings_dict)
    config.update(HOST="127.0.0.1", PORT=str(port), TEST={**config["TEST"], "MIRROR": "default"})
    config["OPTIONS"] = {**config.get("OPTIONS", {}), "connect_timeout": 2}
    return config


HBA = "local all all trust\nhost all all 127.0.0.1/32 trust\n"


def _own_configuration(data: Path) -> None:
    """Distributions that keep the server's configuration outside its data directory
    (Debian: /etc/postgresql) leave a base backup without one: give the copy its own."""
    files = {"postgresql.conf": "", "pg_ident.conf": "", "pg_hba.conf": HBA}
    for name, text in files.items():
        path = data / name
        if not path.exists():
            path.write_text(text)
            if os.geteuid() == 0:
                os.chown(path, pwd.getpwnam(SERVER_USER).pw_uid, -1)


@pytest.fixture(scope="module")
def replica(django_db_setup, django_db_blocker):
    """A hot standby of the running server, taken after the test database was created."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("read replicas are a PostgreSQL feature")
    basebackup, pg_ctl = _bin("pg_basebackup"), _bin("pg_ctl")
    if not (basebackup and pg_ctl):
        pytest.skip("PostgreSQL's server programs (pg_basebackup, pg_ctl) are not installed")
    primary = connections["default"].settings_dict
    folder = Path(tempfile.mkdtemp(prefix="kalantar-replica-"))
    if os.geteuid() == 0:
        os.chown(folder, pwd.getpwnam(SERVER_USER).pw_uid, -1)
    data, port = folder / "data", _free_port()
    backup = subprocess.run(
        _as_server_user(
            [
                *(
                    basebackup,
                    "-h",
                    primary["HOST"] or "127.0.0.1",
                    "-p",
                    str(primary["PORT"] or 5432),
                ),
                *("-U", primary["USER"] or SERVER_USER, "-D", str(data), "-R", "-X", "stream"),
                *("--checkpoint=fast", "--no-password", "--no-sync"),  # a throwaway copy
            ]
        ),
        capture_output=True,
        text=True,
        env={**os.environ, "PGPASSWORD": primary["PASSWORD"] or ""},
    )
    if backup.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(
            "the PostgreSQL server refuses to stream a base backup, so no replica can be made"
            " (it needs a 'replication' line in pg_hba.conf, wal_level replica and"
            " max_wal_senders > 0; this test changes nothing on it): " + backup.stderr.strip()
        )
    _own_configuration(data)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c hot_standby=on -c fsync=off"
    subprocess.run(
        _as_server_user(
            [pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )
    connections.settings[REPLICA] = _alias(port)
    connections.settings[DOWN] = _alias(_free_port())  # nothing listens there
    try:
        yield Replica(port, data)
    finally:
        for alias in (REPLICA, DOWN):
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
        replicas.forget_down_replicas()


def _touches_complaints(queries: CaptureQueriesContext) -> bool:
    return any("complaints_complaint" in q["sql"] for q in queries.captured_queries)


def _file(client: Client, api_key: str) -> str:
    response = post(client, "json", report(api_key))
    assert response.status_code == 200, response.content
    return response.json()[0]["service_request_id"]


def _read(client: Client, request_id: str, api_key: str):
    return client.get(f"{BASE}/requests/{request_id}.json?api_key={api_key}")


def _another_app() -> str:
    """A second application's key, used once already (its first use notes itself: a write)."""
    other_key = keys.create_key(by=None, name="Another app")[1]
    _read(Client(), "0", other_key)
    return other_key


replica_test = pytest.mark.django_db(transaction=True, databases=["default", REPLICA, DOWN])


@pytest.fixture
def api_key(org_tree) -> str:
    return keys.create_key(by=None, name="Hamedan citizen app")[1]


@replica_test
def test_a_lagging_replica_never_returns_the_writers_own_report(replica, api_key, settings):
    settings.DATABASE_REPLICAS = [REPLICA]
    app = Client()
    other_key = _another_app()
    replica.catch_up()
    replica.pause()
    try:
        request_id = _file(app, api_key)
        # The replica really is behind: it has not replayed the report.
        assert not Complaint.objects.using(REPLICA).filter(open311_id=request_id).exists()

        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            read = _read(app, request_id, api_key)
        assert read.status_code == 200, read.content
        assert read.json()[0]["service_request_id"] == request_id
        assert not _touches_complaints(on_replica)  # the primary answered

        # Another application, which wrote nothing, is served by the replica meanwhile and
        # does not find the report yet: only the writer must never see that. (Installations
        # of the writer's own app share its key, and so its position.)
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            elsewhere = _read(Client(), request_id, other_key)
        assert elsewhere.status_code == 404
        assert _touches_complaints(on_replica)
    finally:
        replica.resume()


@replica_test
def test_a_replica_that_has_replayed_the_write_serves_the_writer(replica, api_key, settings):
    settings.DATABASE_REPLICAS = [REPLICA]
    app = Client()
    request_id = _file(app, api_key)
    replica.catch_up()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        read = _read(app, request_id, api_key)
    assert read.status_code == 200 and read.json()[0]["service_request_id"] == request_id
    assert _touches_complaints(on_replica)


@replica_test
def test_a_replica_that_is_down_leaves_the_primary_to_serve(replica, api_key, settings):
    settings.DATABASE_REPLICAS = [DOWN]
    replicas.forget_down_replicas()
    app = Client()
    request_id = _file(app, api_key)
    read = _read(app, request_id, api_key)
    assert read.status_code == 200 and read.json()[0]["service_request_id"] == request_id
    # With a live replica beside it, the live one serves.
    settings.DATABASE_REPLICAS = [DOWN, REPLICA]
    replica.catch_up()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert _read(app, request_id, api_key).status_code == 200
    assert _touches_complaints(on_replica)


@replica_test
def test_an_api_client_without_cookies_reads_its_own_report_from_the_primary(
    replica, api_key, settings
):
    """An Open311 application keeps no cookie: its key holds the position (in the shared
    cache), so whichever connection or web process its next request lands on waits for it."""
    settings.DATABASE_REPLICAS = [REPLICA]
    other_key = _another_app()
    replica.catch_up()
    replica.pause()
    try:
        request_id = _file(Client(), api_key)  # a client that drops every cookie it is given
        assert not Complaint.objects.using(REPLICA).filter(open311_id=request_id).exists()
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            read = _read(Client(), request_id, api_key)
        assert read.status_code == 200, read.content
        assert read.json()[0]["service_request_id"] == request_id
        assert not _touches_complaints(on_replica)  # the primary answered

        # Another application's key wrote nothing: the replica serves it meanwhile.
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert _read(Client(), request_id, other_key).status_code == 404
        assert _touches_complaints(on_replica)
    finally:
        replica.resume()


def test_the_cache_holds_a_digest_of_the_api_credential_never_the_credential(rf):
    by_key = replicas._api_identity(rf.get("/open311/v2/requests.json?api_key=secret-key"))
    by_token = replicas._api_identity(rf.get("/api/x", HTTP_AUTHORIZATION="Bearer secret-tok"))
    form = rf.post(
        "/open311/v2/requests.json", "api_key=secret-key", "application/x-www-form-urlencoded"
    )
    assert by_key == replicas._api_identity(form)  # the same client however it sends the key
    assert by_key != by_token and "secret" not in by_key + by_token
    assert replicas._api_identity(rf.get("/api/x")) is None
