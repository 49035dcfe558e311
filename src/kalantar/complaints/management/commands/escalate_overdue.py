from django.core.management.base import BaseCommand

from kalantar.complaints.services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue complaints to the station chief, then to the county command."

    def handle(self, *args, **options):
        to_chief, to_county = escalate_overdue()
        self.stdout.write(
            f"escalated: {to_chief} to station chiefs, {to_county} to county commands"
        )
