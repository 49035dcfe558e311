from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.core.importing import num
from kalantar.security_firms.importer import ImportRefused, import_guards
from kalantar.security_firms.progress import Bar


class Command(BaseCommand):
    help = _(
        "Import security guards from a CSV or XLSX file; nothing is imported if any row is bad."
    )
    importer = staticmethod(import_guards)
    noun = "guards"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help=_("the CSV (UTF-8) or XLSX file"))
        parser.add_argument("--quiet", action="store_true", help=_("no progress output"))

    def handle(self, *args, **options) -> None:
        bar = None if options["quiet"] else Bar(self.stderr)
        try:
            result = self.importer(options["file"], progress=bar)
        except FileNotFoundError:
            raise CommandError(_("File not found: %(path)s") % {"path": options["file"]}) from None
        except ImportRefused as refused:
            if bar:
                bar.close()
            for line in refused.errors:
                self.stderr.write(line)
            if refused.total > len(refused.errors):
                self.stderr.write(
                    _("… and %(n)s more errors.") % {"n": num(refused.total - len(refused.errors))}
                )
            self.stderr.write(_("Nothing was stored: %(n)s errors.") % {"n": num(refused.total)})
            sys.exit(1)
        if bar:
            bar.close()
        self.stdout.write(
            _("%(created)s created, %(updated)s updated in %(seconds)s seconds.")
            % {
                "created": num(result.created),
                "updated": num(result.updated),
                "seconds": num(round(result.seconds)),
            }
        )
