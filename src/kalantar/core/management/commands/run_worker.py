import signal

from django.core.management.base import BaseCommand

from kalantar.core.tasks import Worker


class Command(BaseCommand):
    help = (
        "Run queued background tasks until stopped (--burst: until none is due). "
        "Run as many workers as the load needs; SIGTERM lets the current task finish."
    )

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Exit when no task is due.")
        parser.add_argument("--name", default="", help="The worker's name on the tasks page.")
        parser.add_argument("--poll", type=float, default=0.5, help="Seconds between looks.")

    def handle(self, *args, burst, name, poll, **options):
        worker = Worker(name or None, poll_seconds=poll)

        def stop(*_):
            worker.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker.run(burst=burst, report=lambda line: self.stdout.write(line))
