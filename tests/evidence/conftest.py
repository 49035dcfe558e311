"""Evidence fixtures: the store in a folder of the test's own, cameras in two stations."""

from __future__ import annotations

import importlib
import os
import socket
import threading
import time
from unittest import mock

import pytest
import uvicorn

from kalantar.evidence import services
from kalantar.evidence.models import Camera
from kalantar.incidents.models import PatrolUnit

# The first bytes of real files of each kind, padded: enough for the content sniffing.
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 64
PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 500
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 9000


@pytest.fixture(autouse=True)
def _evidence_store_in_tmp(settings, tmp_path):
    settings.EVIDENCE_DIR = tmp_path / "evidence"


@pytest.fixture
def stations(org_tree):
    return org_tree["HM01K01"], org_tree["HM01K02"]


@pytest.fixture
def cameras(stations):
    k01, k02 = stations
    return {
        "BWC-101": services.register_camera(
            by=None, serial="BWC-101", kind=Camera.Kind.BODY, station=k01
        ),
        "CAR-7": services.register_camera(
            by=None, serial="CAR-7", kind=Camera.Kind.CAR, station=k01
        ),
        "BWC-201": services.register_camera(
            by=None, serial="BWC-201", kind=Camera.Kind.BODY, station=k02
        ),
    }


@pytest.fixture
def patrol(stations):
    return PatrolUnit.objects.create(station=stations[0], call_sign="۱۱-الف")


@pytest.fixture
def people(make_user):
    officer = make_user("officer1", "desk_officer", "HM01K01")
    officer.first_name, officer.last_name = "علی", "رضایی"
    officer.save()
    return {
        "desk": make_user("desk1", "desk_officer", "HM01K01"),
        "chief": make_user("chief1", "station_chief", "HM01K01"),
        "officer": officer,
        "other_chief": make_user("chief2", "station_chief", "HM01K02"),
    }


def write(folder, name: str, data: bytes):
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture
def asgi_server(transactional_db):
    """The product's ASGI application (`kalantar.asgi`, as the demo and production serve it)
    under uvicorn on a thread of this process; yields its base URL."""
    with mock.patch.dict(os.environ):  # the entry point's defaults stay out of other tests
        application = importlib.import_module("kalantar.asgi").application
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(application, lifespan="off", access_log=False, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
