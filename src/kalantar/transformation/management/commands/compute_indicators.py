"""Compute every station's indicators for a month and store them as its snapshot."""

from django.core.management.base import BaseCommand, CommandError

from kalantar.core import periods
from kalantar.core.jalali import tehran_today
from kalantar.transformation import services


class Command(BaseCommand):
    help = (
        "Compute every station's indicators for a month (YYYY-MM: a Jalali month such as "
        "1405-08, or a Gregorian one such as 2026-11; this Jalali month by default)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", default="", help="YYYY-MM, Jalali or Gregorian")

    def handle(self, *args, month: str = "", **options):
        try:
            period = (
                periods.parse_month(month) if month else periods.jalali_month_of(tehran_today())
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        stored = services.compute_indicators(period)
        self.stdout.write(f"{period.code}: {stored} figures stored")
