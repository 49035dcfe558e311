import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from kalantar.core.extensions import demo_processes


class Command(BaseCommand):
    help = "Serve the demo with uvicorn (and every helper process it needs); Ctrl-C stops all."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))

    def processes(self, host: str, port: int) -> list[tuple[str, list[str]]]:
        return [
            (
                "web",
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "kalantar.asgi:application",
                    "--host",
                    host,
                    "--port",
                    str(port),
                    "--workers",
                    "2",
                    "--no-access-log",
                    "--lifespan",
                    "off",
                ],
            ),
            # Every app's periodic jobs (overdue escalation, …) are queued while the demo
            # runs, and a worker runs them and the other background tasks.
            ("scheduler", [sys.executable, "-m", "kalantar", "run_scheduler"]),
            ("worker", [sys.executable, "-m", "kalantar", "run_worker"]),
            *((p.name, p.argv(host, port)) for p in demo_processes()),
        ]

    def handle(self, *args, host, port, **options):
        children = []
        for name, argv in self.processes(host, port):
            children.append((name, subprocess.Popen(argv)))
            self.stdout.write(f"started {name}: pid {children[-1][1].pid}")
        self.stdout.write(
            self.style.SUCCESS(f"Kalantar demo: http://{host}:{port}/  (Ctrl-C stops)")
        )
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for _n, p in children):
                time.sleep(0.5)
        finally:
            for _name, proc in children:
                if proc.poll() is None:
                    proc.terminate()
            for _name, proc in children:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        failed = [n for n, p in children if p.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            self.stderr.write(f"stopped because {', '.join(failed)} exited")
            sys.exit(1)
