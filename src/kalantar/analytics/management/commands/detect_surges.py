from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.analytics.services import detect_surges
from kalantar.core.jalali import tehran_today
from kalantar.core.persian import to_latin_digits


class Command(BaseCommand):
    help = _("Test every station and category for a surge on a day (yesterday by default).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help=_("the day, YYYY-MM-DD (Gregorian)"))

    def handle(self, *args, **options) -> None:
        text = options.get("date")
        if text:
            try:
                day = date.fromisoformat(to_latin_digits(text).strip())
            except ValueError:
                raise CommandError(
                    _("“%(value)s” is not a date such as 2025-03-21.") % {"value": text}
                ) from None
        else:
            day = tehran_today() - timedelta(days=1)
        result = detect_surges(day=day)
        self.stdout.write(
            _("%(day)s: %(tested)s station × category pairs tested, %(opened)s alerts opened.")
            % {"day": day.isoformat(), "tested": result.tested, "opened": len(result.created)}
        )
