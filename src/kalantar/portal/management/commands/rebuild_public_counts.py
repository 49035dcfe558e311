from django.core.management.base import BaseCommand

from kalantar.core.jalali import parse_jalali_date
from kalantar.portal import rollup


class Command(BaseCommand):
    help = "Recompute the closed-incident counts behind the public statistics."

    def add_arguments(self, parser):
        parser.add_argument("--since", help="Jalali date (1404/07/01); default: all days")

    def handle(self, *args, since=None, **options):
        first = parse_jalali_date(since) if since else None
        written = rollup.refresh(first=first)
        self.stdout.write(f"{written} rows written")
