"""Servers this machine runs for trying the product: a NATS JetStream cluster (`make
prod-local`, the stream tests and the alarm benchmarks), and waiting for a port to open.

`nats-server` processes, each with its own client, cluster and monitoring ports and its own
store, routed to one another. No Django here: bench/ and deploy/ use it too.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

BINARIES = ("nats-server", "/usr/sbin/nats-server", "/usr/local/bin/nats-server")


def nats_server() -> str | None:
    """The machine's nats-server binary, or None."""
    for candidate in BINARIES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def free_ports(count: int) -> list[int]:
    """`count` ports nothing listens on now (the system's choice)."""
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def wait_port(port: int, timeout: float = 30) -> None:
    """Return once something accepts connections on 127.0.0.1:`port`; TimeoutError after
    `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


class NatsCluster:
    """`size` JetStream servers in one cluster (size 1: a lone server, no routes).

    The servers are n1, n2, …: each has its store in `root`/nN and its configuration in
    `root`/nN.conf. Ports are the system's free ones, or, given `first_ports` (client,
    cluster, monitoring), consecutive from those. `store_limits` caps each server's
    JetStream memory and disk, for tests and benchmarks on a shared machine.
    """

    def __init__(
        self,
        root: Path,
        size: int = 3,
        *,
        name: str = "kalantar-test",
        first_ports: Sequence[int] | None = None,
        store_limits: bool = True,
    ) -> None:
        self.binary = nats_server()
        if self.binary is None:
            raise RuntimeError("no nats-server on this machine")
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.size = size
        self.name = name
        self.store_limits = store_limits
        if first_ports is None:
            ports = free_ports(3 * size)
        else:
            ports = [first + i for first in first_ports for i in range(size)]
        self.client_ports = ports[:size]
        self.route_ports = ports[size : 2 * size]
        self.http_ports = ports[2 * size :]
        self.procs: list[subprocess.Popen | None] = [None] * size

    @property
    def url(self) -> str:
        """Every server, as NATS_URL takes them."""
        return ",".join(f"nats://127.0.0.1:{p}" for p in self.client_ports)

    def node_name(self, i: int) -> str:
        return f"n{i + 1}"

    def config_path(self, i: int) -> Path:
        return self.root / f"{self.node_name(i)}.conf"

    def command(self, i: int) -> list[str]:
        """The command line that runs server `i` (after `write_config(i)`)."""
        return [self.binary, "-c", str(self.config_path(i))]

    def write_config(self, i: int) -> Path:
        node = self.node_name(i)
        store = self.root / node
        store.mkdir(parents=True, exist_ok=True)
        limits = ", max_memory_store: 64MB, max_file_store: 2GB" if self.store_limits else ""
        lines = [
            f"server_name: {node}",
            f"listen: 127.0.0.1:{self.client_ports[i]}",
            f"http: 127.0.0.1:{self.http_ports[i]}",
            f'jetstream {{ store_dir: "{store}"{limits} }}',
        ]
        if self.size > 1:
            routes = ", ".join(
                f"nats-route://127.0.0.1:{p}" for j, p in enumerate(self.route_ports) if j != i
            )
            lines.append(
                f"cluster {{ name: {self.name}, listen: 127.0.0.1:{self.route_ports[i]}, "
                f"routes: [{routes}] }}"
            )
        path = self.config_path(i)
        path.write_text("\n".join(lines) + "\n")
        return path

    def start(self, timeout: float = 30) -> NatsCluster:
        for i in range(self.size):
            self.start_node(i)
        self.wait_ready(timeout)
        return self

    def start_node(self, i: int) -> None:
        self.write_config(i)
        log_path = self.root / f"{self.node_name(i)}.log"
        with open(log_path, "ab") as log:  # the server keeps its own copy
            self.procs[i] = subprocess.Popen(self.command(i), stdout=log, stderr=log)

    def kill(self, i: int) -> None:
        """kill -9 one server."""
        proc = self.procs[i]
        if proc is not None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            self.procs[i] = None

    def healthy(self, i: int) -> bool:
        try:
            url = f"http://127.0.0.1:{self.http_ports[i]}/healthz"
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.status == 200
        except OSError:
            return False

    def wait_ready(self, timeout: float = 30) -> None:
        """Every running server reports healthy (JetStream up, meta leader known)."""
        deadline = time.monotonic() + timeout
        running = [i for i, p in enumerate(self.procs) if p is not None]
        while not all(self.healthy(i) for i in running):
            if time.monotonic() > deadline:
                raise RuntimeError(f"NATS cluster not ready; logs in {self.root}")
            time.sleep(0.1)

    def stop(self) -> None:
        for i in range(self.size):
            proc = self.procs[i]
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                self.procs[i] = None
