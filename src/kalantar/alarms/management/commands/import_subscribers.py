from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.alarms.importing import read_csv
from kalantar.alarms.services import check_rows, import_subscribers, line_message


class Command(BaseCommand):
    help = (
        "Import alarm subscribers from CSV (account,name,kind,lat,lon,phone,"
        "supervision_minutes,key). Every row is checked first; nothing is stored if any is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8-sig", newline="") as handle:
                rows, problems = read_csv(handle)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(_("Cannot read %(f)s: %(e)s") % {"f": file, "e": exc}) from exc
        problems = sorted([*problems, *check_rows(rows)], key=lambda p: p[0])
        messages = [line_message(n, m) for n, m in problems]
        if not messages:
            try:
                created = import_subscribers(by=None, rows=rows)
            except ValidationError as exc:
                messages = exc.messages
        if messages:
            for line in messages:
                self.stderr.write(line)
            raise CommandError(_("Nothing was imported: %(n)s problems.") % {"n": len(messages)})
        self.stdout.write(_("Imported %(n)s subscribers.") % {"n": len(created)})
