import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.org import services


class Command(BaseCommand):
    help = (
        "Import stations' jurisdictions from a GeoJSON FeatureCollection "
        "(properties: code, name, kind, parent). Nothing is stored unless the file is clean."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON FeatureCollection")
        parser.add_argument(
            "--check", action="store_true", help="Only validate the file; store nothing."
        )

    def handle(self, *args, file, check, **options):
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CommandError(_("File not found: %(file)s") % {"file": file}) from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(_("The file is not valid JSON: %(error)s") % {"error": exc}) from exc
        except RecursionError:
            raise CommandError(_("The file is nested too deeply to be GeoJSON.")) from None
        report = services.validate_jurisdictions(data=data)
        if not report.ok:
            for line in report.errors:
                self.stderr.write(f"- {line}")
            raise CommandError(
                _("%(n)s problems found; nothing was imported.") % {"n": len(report.errors)}
            )
        if check:
            self.stdout.write(_("The file is clean: %(n)s features.") % {"n": len(report.features)})
            return
        try:
            result = services.import_jurisdictions(by=None, data=data)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported: %(created)s new, %(updated)s updated.")
                % {"created": result.created, "updated": result.updated}
            )
        )
