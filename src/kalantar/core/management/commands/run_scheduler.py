import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from kalantar.complaints.services import escalate_overdue


class Command(BaseCommand):
    help = "Run the periodic jobs (overdue escalation) every --interval seconds until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--once", action="store_true", help="Run the jobs once and exit.")

    def handle(self, *args, interval, once, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            close_old_connections()
            to_chief, to_county = escalate_overdue()
            if to_chief or to_county:
                self.stdout.write(f"escalated {to_chief} to chiefs, {to_county} to county commands")
            if once:
                break
            for _ in range(interval * 2):
                if stopping:
                    break
                time.sleep(0.5)
