import asyncio

from django.core.management.base import BaseCommand, CommandError

from kalantar.alarms import panels as sim
from kalantar.alarms.models import Account
from kalantar.alarms.services import panel_key


class Command(BaseCommand):
    help = (
        "Simulate alarm panels sending real DC-09 frames (heartbeats, occasional alarms) to a "
        "receiver, using the subscribers' accounts; reports what was acknowledged."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8201)
        parser.add_argument("--panels", type=int, default=10)
        parser.add_argument("--rate", type=float, default=5.0, help="messages/second, all panels")
        parser.add_argument(
            "--encrypted", action="store_true", help="only the panels that have a key"
        )
        parser.add_argument("--duration", type=float, default=30.0, help="seconds (0: forever)")
        parser.add_argument("--alarm-share", type=float, default=0.05)
        parser.add_argument("--demo", action="store_true", help="run until stopped")
        parser.add_argument("--wait-for-receiver", type=float, default=0.0)

    def handle(self, *args, **options):
        host, port, duration = options["host"], options["port"], options["duration"]
        fleet = _fleet(options["panels"], encrypted=options["encrypted"])
        if not fleet:
            raise CommandError("No subscriber accounts to simulate (import subscribers first).")
        wait = options["wait_for_receiver"]
        if wait and not asyncio.run(sim.wait_for_port(host, port, wait)):
            raise CommandError(f"No receiver on {host}:{port}.")
        forever = options["demo"] or duration <= 0
        cycle = 0
        while True:
            # A new seed each minute: the same seed would replay the same minute forever.
            cycle += 1
            stats = asyncio.run(
                sim.run_fleet(
                    host, port, fleet, rate=options["rate"],
                    duration=60 if forever else duration,
                    alarm_share=options["alarm_share"], seed=cycle,
                )
            )  # fmt: skip
            self.stdout.write(f"{len(fleet)} panels: {stats.merge_line()}")
            if not forever:
                break


def _fleet(size: int, *, encrypted: bool) -> list[sim.SimPanel]:
    """The first `size` subscriber accounts as panels (only keyed ones when `encrypted`)."""
    fleet = []
    for number, key_enc in Account.objects.order_by("number").values_list(
        "number", "subscriber__key_encrypted"
    ):
        key = panel_key(key_enc)
        if encrypted and key is None:
            continue
        fleet.append(sim.SimPanel(number, key))  # a keyed panel always encrypts
        if len(fleet) >= size:
            break
    return fleet
