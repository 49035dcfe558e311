import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kalantar.core.extensions import periodic_jobs


class Command(BaseCommand):
    help = "Run every app's periodic jobs at their intervals until stopped (--once: once each)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run each job once and exit.")

    def handle(self, *args, once, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        jobs = periodic_jobs()
        due = {job.name: 0.0 for job in jobs}
        while not stopping:
            now = time.monotonic()
            for job in jobs:
                if stopping or now < due[job.name]:
                    continue
                due[job.name] = now + job.every_seconds
                close_old_connections()
                try:
                    line = job.run()
                except Exception as exc:  # one failing job must not stop the others
                    self.stderr.write(f"{job.name}: {exc!r}")
                    continue
                if line:
                    self.stdout.write(f"{job.name}: {line}")
            if once:
                break
            time.sleep(0.5)
