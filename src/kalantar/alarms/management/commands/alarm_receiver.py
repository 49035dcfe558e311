import logging

from django.core.management.base import BaseCommand

from kalantar.alarms import receiver


class Command(BaseCommand):
    help = "Receive SIA DC-09 alarm messages over TCP and UDP; ACK each after it is stored."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8201)
        parser.add_argument("--name", default="receiver", help="Name for liveness tracking.")
        parser.add_argument(
            "--reuse-port",
            action="store_true",
            help="Share the port with other receivers (the kernel spreads the panels).",
        )

    def handle(self, *args, host, port, name, reuse_port, **options):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        self.stdout.write(f"alarm receiver on {host}:{port} (TCP and UDP)")
        try:
            receiver.run(host, port, name=name, reuse_port=reuse_port)
        except KeyboardInterrupt:
            pass
