import asyncio
import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.alarms import fanin


class Command(BaseCommand):
    help = (
        "Store alarm events from the NATS JetStream stream (NATS_URL) in the database, then "
        "acknowledge them; opens their alarms. Run several for more throughput or spare ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", default="consumer", help="Name for liveness tracking.")
        parser.add_argument("--batch", type=int, default=1000, help="events per transaction")

    def handle(self, *args, name, batch, **options):
        if not fanin.configured():
            raise CommandError(_("NATS_URL is not set: the receiver stores events itself."))
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        consumer = fanin.Consumer(fanin.StreamSettings.from_settings(), name, batch=batch)
        self.stdout.write(f"alarm consumer {name} on {consumer.cfg.stream}")
        try:
            asyncio.run(consumer.run())
        except KeyboardInterrupt:
            pass
