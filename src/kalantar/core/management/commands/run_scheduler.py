import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kalantar.core.tasks import Scheduler


class Command(BaseCommand):
    help = (
        "Queue every app's periodic jobs once per period until stopped (--once: one pass); "
        "`kalantar run_worker` runs them. Any number of schedulers may run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Queue the due jobs and exit.")

    def handle(self, *args, once, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        scheduler = Scheduler()
        while not stopping:
            close_old_connections()
            try:
                queued = scheduler.tick()
            except Exception as exc:  # the database away for a moment: try at the next pass
                self.stderr.write(f"scheduler: {exc!r}")
                queued = []
            for name in queued:
                self.stdout.write(f"queued {name}")
            if once:
                break
            time.sleep(0.5)
