from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kalantar.people.demo import DEMO_TOTP_SECRET, demo_code


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of the demo's published key (the demo's "
        "privileged users: admin, province, county, inspector, registrar)."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo key is for the demo only.")
        self.stdout.write(f"{demo_code()}  (demo key {DEMO_TOTP_SECRET}; a new code every 30 s)")
