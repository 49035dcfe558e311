from django.conf import settings
from django.core.management.base import BaseCommand

from kalantar.people.services import disable_dormant_accounts


class Command(BaseCommand):
    help = (
        "Disable every account unused for ACCOUNT_DORMANT_DAYS (no log-in, no API token "
        "used): its sessions and tokens end, and each one is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.ACCOUNT_DORMANT_DAYS)
        parser.add_argument(
            "--dry-run", action="store_true", help="List the accounts; change nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        usernames = disable_dormant_accounts(days=days, dry_run=dry_run)
        verb = "would disable" if dry_run else "disabled"
        self.stdout.write(f"{verb} {len(usernames)} accounts unused for {days} days")
        for username in usernames:
            self.stdout.write(f"  {username}")
