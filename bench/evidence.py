"""Ingest, range and fixity figures of the evidence store, each against `sha256sum` of the
same bytes in the same run. Medians of three runs.

* A generated file (MP4 header, then random bytes) through the resumable upload (tuspy, its
  default chunk size) to a uvicorn server, and through `evidence_ingest`: throughput as a
  ratio of `sha256sum`'s on the same file (goal ≥ 0.7), and the server's RSS growth during
  the upload (goal < 64 MB). tuspy is handed the file as a stream (`_StreamedFile`): its
  own file reading holds a whole chunk in memory before the first byte is sent, and its
  default chunk is the whole file (2 GB read, then sent); a browser sends a file as it
  reads it, as the stream makes tuspy do. The chunk size stays tuspy's default: one PATCH.
  The CPU seconds per GB of client, server, `evidence_ingest` and `sha256sum` are given
  too, with ratios of CPU time: on a shared machine they vary less than wall-clock ones.
* Time to the first byte of a range request in the middle of the uploaded file (goal < 50 ms).
* Fixity of 1,000 stored items (`run_fixity`) against `sha256sum` over the same files.

Everything runs in a temporary folder with its own SQLite database; nothing else is touched.

    .venv/bin/python bench/evidence.py [--size 2GB] [--items 1000] [--item-size 256KB]
"""

from __future__ import annotations

import argparse
import http.client
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
WORK = Path(tempfile.mkdtemp(prefix="kalantar-bench-evidence-"))
os.environ["KALANTAR_VAR_DIR"] = str(WORK / "var")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kalantar.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from tusclient import client as tus_client  # noqa: E402

from kalantar.evidence import playback, services, store  # noqa: E402
from kalantar.evidence.models import Camera, EvidenceItem, Original  # noqa: E402
from kalantar.org import services as org_services  # noqa: E402
from kalantar.org.models import Unit  # noqa: E402
from kalantar.people import services as people_services  # noqa: E402

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
UNITS = {"KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}
MB = 1 << 20


def _bytes(text: str) -> int:
    text = text.upper().removesuffix("B") + "B"
    for suffix, factor in UNITS.items():
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * factor)
    return int(text[:-1])


def _generate(path: Path, size: int) -> Path:
    with open(path, "wb") as out:
        out.write(MP4_HEAD)
        left = size - len(MP4_HEAD)
        while left > 0:
            block = os.urandom(min(left, 8 * MB))
            out.write(block)
            left -= len(block)
    return path


def _cpu_self() -> float:
    """User + system CPU seconds of this process so far (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cpu_of(pid: int) -> float:
    """User + system CPU seconds of another process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _sha256sum(*paths: Path) -> tuple[float, float]:
    """(seconds, CPU seconds) `sha256sum` takes over the files (read from the page cache,
    as ours are)."""
    start, cpu = time.perf_counter(), _cpu_children()
    subprocess.run(["sha256sum", *map(str, paths)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start, _cpu_children() - cpu


# --- The world: a station, a camera checked out, a desk officer logged in ------------------


def _world() -> tuple[Camera, str]:
    call_command("migrate", verbosity=0)
    nation = org_services.create_unit(by=None, code="IR", name="ناجا", kind=Unit.Kind.NATIONAL)
    province = org_services.create_unit(
        by=None, code="BP", name="استان سنجش", kind=Unit.Kind.PROVINCE, parent=nation
    )
    county = org_services.create_unit(
        by=None, code="BP01", name="شهرستان سنجش", kind=Unit.Kind.COUNTY, parent=province
    )
    station = org_services.create_unit(
        by=None, code="BP01K01", name="کلانتری سنجش", kind=Unit.Kind.KALANTARI, parent=county
    )
    user = people_services.add_user(
        by=None, username="bench", role="desk_officer", unit_code=station.code, password="x" * 16
    )
    camera = services.register_camera(by=None, serial="BENCH-1", kind="body", station=station)
    services.check_out_camera(by=user, serial="BENCH-1", officer=user)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return camera, session.session_key


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(port: int) -> subprocess.Popen:
    argv = [sys.executable, "-m", "uvicorn", "kalantar.asgi:application", "--port", str(port)]
    argv += ["--workers", "1", "--no-access-log", "--lifespan", "off"]
    server = subprocess.Popen(argv, cwd=ROOT / "src", env=os.environ.copy())
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("the server did not start")


def _rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:  # the server has stopped
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class _PeakRss(threading.Thread):
    """The highest RSS of a process while running, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, _rss(pid), threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.02):
            self.peak = max(self.peak, _rss(self.pid))


# --- The measures --------------------------------------------------------------------------


class _Chunk:
    """Bytes `start`–`end` of a file, as `requests` sends an iterable with a length: block
    by block under that Content-Length, one reused buffer read at a time."""

    BLOCK = MB

    def __init__(self, fd: int, start: int, end: int) -> None:
        self.fd, self.start, self.end = fd, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def __iter__(self):
        buffer = memoryview(bytearray(self.BLOCK))
        at = self.start
        while at < self.end:
            count = os.preadv(self.fd, [buffer[: min(self.BLOCK, self.end - at)]], at)
            if not count:
                raise OSError(f"the file ended at {at}")
            yield buffer[:count]  # sent before the next read refills it
            at += count


class _StreamedFile:
    """The file to upload as tuspy reads it (`file_stream`): a chunk it reads is handed over
    as a `_Chunk`, sent as it is read instead of held in memory whole."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "rb")

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def read(self, size: int = -1) -> _Chunk:
        start = self._file.tell()
        end = os.fstat(self._file.fileno()).st_size
        end = min(end, start + size) if size >= 0 else end
        self._file.seek(end)
        return _Chunk(self._file.fileno(), start, end)

    def close(self) -> None:
        self._file.close()


def _upload(port: int, cookie: str, path: Path, server_pid: int) -> dict[str, float]:
    """Seconds, the server's RSS growth (bytes) and the CPU seconds of client and server of
    one upload through tus with the client's defaults."""
    client = tus_client.TusClient(
        f"http://127.0.0.1:{port}/evidence/uploads/", headers={"Cookie": f"sessionid={cookie}"}
    )
    stream = _StreamedFile(path)
    uploader = client.uploader(
        file_stream=stream, metadata={"filename": path.name, "device": "BENCH-1"}
    )
    before = _rss(server_pid)
    watch = _PeakRss(server_pid)
    watch.start()
    start, client_cpu, server_cpu = time.perf_counter(), _cpu_self(), _cpu_of(server_pid)
    try:
        uploader.upload()
    finally:
        stream.close()
    seconds = time.perf_counter() - start
    client_cpu, server_cpu = _cpu_self() - client_cpu, _cpu_of(server_pid) - server_cpu
    watch.stop.set()
    watch.join()
    return {
        "seconds": seconds,
        "rss": watch.peak - before,
        "client cpu": client_cpu,
        "server cpu": server_cpu,
    }


def _ingest(path: Path) -> tuple[float, float]:
    """(seconds, CPU seconds) of `evidence_ingest` of a folder holding the one file."""
    folder = path.parent / f"dock-{path.stem}"
    folder.mkdir()
    path.rename(folder / path.name)
    start, cpu = time.perf_counter(), _cpu_self()
    call_command(
        "evidence_ingest", str(folder), "--device", "BENCH-1", stdout=open(os.devnull, "w")
    )
    return time.perf_counter() - start, _cpu_self() - cpu


def _first_byte(port: int, cookie: str, item: EvidenceItem, tries: int = 20) -> float:
    """Median seconds to the first byte of a 64 KB range from the middle of the item."""
    session = SessionStore(session_key=cookie)
    playback.grant(session, item.pk, timezone.now())
    session.save()
    size, times = item.original.size, []
    for n in range(tries):
        offset = size // 2 + n * 4096
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        start = time.perf_counter()
        conn.request(
            "GET",
            f"/evidence/items/{item.pk}/stream/",
            headers={"Cookie": f"sessionid={cookie}", "Range": f"bytes={offset}-{offset + 65535}"},
        )
        response = conn.getresponse()
        response.read(1)
        times.append(time.perf_counter() - start)
        assert response.status == 206, response.status
        conn.close()
    return statistics.median(times)


def _fixity_items(camera: Camera, count: int, size: int) -> list[Path]:
    """`count` stored originals of `size` bytes with an item each, written straight to the
    store (the ingest path is measured above)."""
    paths = []
    for n in range(count):
        partial = WORK / "fixity.part"
        _generate(partial, size)
        running = store.digest(partial)[0]
        store.keep(Path(settings.EVIDENCE_DIR), partial, running)
        original = Original.objects.create(sha256=running, size=size, content_type="video/mp4")
        EvidenceItem.objects.create(
            title=f"fixity {n}", station=camera.station, original=original, original_name="f.mp4"
        )
        paths.append(store.original_path(Path(settings.EVIDENCE_DIR), running))
    return paths


def _run(args, port: int, cookie: str, server_pid: int, camera: Camera) -> dict[str, float]:
    load = os.getloadavg()[0]
    source = _generate(WORK / f"clip-{time.monotonic_ns()}.mp4", args.size)
    baseline, baseline_cpu = _sha256sum(source)
    upload = _upload(port, cookie, source, server_pid)
    item = EvidenceItem.objects.order_by("-pk").first()
    ttfb = _first_byte(port, cookie, item)
    dock = _generate(WORK / f"dock-{time.monotonic_ns()}.mp4", args.size)
    dock_baseline, dock_baseline_cpu = _sha256sum(dock)
    ingest_s, ingest_cpu = _ingest(dock)
    source.unlink()  # the store keeps its own copies; the disk is shared
    for path in dock.parent.glob(f"dock-{dock.stem}/*"):
        path.unlink()
    gigabytes = args.size / (1 << 30)
    return {
        "load average (1 min)": load,
        "sha256sum MB/s": args.size / baseline / MB,
        "upload MB/s": args.size / upload["seconds"] / MB,
        "upload / sha256sum": baseline / upload["seconds"],
        "ingest MB/s": args.size / ingest_s / MB,
        "ingest / sha256sum": dock_baseline / ingest_s,
        "sha256sum CPU s/GB": (baseline_cpu + dock_baseline_cpu) / 2 / gigabytes,
        "upload server CPU s/GB": upload["server cpu"] / gigabytes,
        "upload client CPU s/GB": upload["client cpu"] / gigabytes,
        "ingest CPU s/GB": ingest_cpu / gigabytes,
        # CPU-time ratios: less noisy than wall-clock ones on a shared machine.
        "upload server / sha256sum CPU": baseline_cpu / upload["server cpu"],
        "ingest / sha256sum CPU": dock_baseline_cpu / ingest_cpu,
        "server RSS growth MB": upload["rss"] / MB,
        "range first byte ms": ttfb * 1000,
    }


def _fixity(camera: Camera, args) -> dict[str, float]:
    paths = _fixity_items(camera, args.items, args.item_size)
    total = args.items * args.item_size
    rows = []
    for _ in range(3):
        baseline, _cpu = _sha256sum(*paths)
        start = time.perf_counter()
        checked, failed = services.run_fixity()
        seconds = time.perf_counter() - start
        assert (checked, failed) == (args.items, 0), (checked, failed)
        rows.append(
            {
                "fixity items/s": args.items / seconds,
                "fixity MB/s": total / seconds / MB,
                "sha256sum MB/s (same files)": total / baseline / MB,
                "fixity / sha256sum": baseline / seconds,
            }
        )
    return {key: statistics.median(r[key] for r in rows) for key in rows[0]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="2GB", help="The generated file's size (2GB, 512MB…).")
    parser.add_argument("--items", type=int, default=1000, help="Items for the fixity check.")
    parser.add_argument("--item-size", default="256KB", help="Each fixity item's size.")
    args = parser.parse_args()
    args.size, args.item_size = _bytes(args.size), _bytes(args.item_size)
    camera, cookie = _world()
    # Fixity first, while the store holds only its items.
    fixity = _fixity(camera, args)
    port = _free_port()
    server = _start_server(port)
    try:
        # One small upload first: the server's first request loads the code it needs, which
        # is no growth of the upload's own.
        _upload(port, cookie, _generate(WORK / "warm-up.mp4", MB), server.pid)
        runs = [_run(args, port, cookie, server.pid, camera) for _ in range(3)]
    finally:
        server.terminate()
        server.wait()
    print(f"file of {args.size / MB:.0f} MB, medians of 3 runs")
    for key in runs[0]:
        values = [r[key] for r in runs]
        each = ", ".join(f"{v:.2f}" for v in values)
        print(f"  {key:<30} {statistics.median(values):9.2f}   ({each})")
    print(f"fixity of {args.items} items of {args.item_size // 1024} KB, medians of 3 runs")
    for key, value in fixity.items():
        print(f"  {key:<28} {value:9.2f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        for path in WORK.rglob("*"):  # the store's originals are read-only
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(WORK, ignore_errors=True)
