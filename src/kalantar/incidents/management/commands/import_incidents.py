from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.incidents.importer import ImportRefused, import_file, num


class Command(BaseCommand):
    help = _(
        "Import incidents from a CSV file (occurred_at, category, lat, lon[, source, "
        "external_id]); nothing is imported if any row is bad."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help=_("the CSV file (UTF-8)"))
        parser.add_argument("--quiet", action="store_true", help=_("no progress output"))

    def handle(self, *args, **options) -> None:
        def progress(message: str) -> None:
            if not options["quiet"]:
                self.stderr.write(message)

        try:
            result = import_file(options["file"], progress=progress)
        except FileNotFoundError:
            raise CommandError(_("File not found: %(path)s") % {"path": options["file"]}) from None
        except ImportRefused as refused:
            for line in refused.errors:
                self.stderr.write(line)
            if refused.total > len(refused.errors):
                self.stderr.write(
                    _("… and %(n)s more errors.") % {"n": num(refused.total - len(refused.errors))}
                )
            self.stderr.write(_("Nothing was imported: %(n)s errors.") % {"n": num(refused.total)})
            sys.exit(1)
        rate = (result.created + result.updated) / max(result.seconds, 1e-9)
        self.stdout.write(
            _("%(created)s incidents created, %(updated)s updated (%(rate)s rows/s).")
            % {
                "created": num(result.created),
                "updated": num(result.updated),
                "rate": num(round(rate)),
            }
        )
