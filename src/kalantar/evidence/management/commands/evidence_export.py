from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.evidence import selectors, services


class Command(BaseCommand):
    help = (
        "Export evidence items for the judiciary: their files, a manifest (SHA-256, size and "
        "facts of each) and their custody chain, signed with the evidence key. "
        "evidence_check (or court_check.py) verifies the folder offline."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", required=True, help="Item ids, separated by commas.")
        parser.add_argument("--to", required=True, help="A new or empty folder.")

    def handle(self, *args, items, to, **options):
        try:
            ids = [int(part) for part in items.split(",") if part.strip()]
        except ValueError as error:
            raise CommandError(_("Item ids are numbers separated by commas.")) from error
        found = selectors.items_by_ids(ids)
        missing = sorted(set(ids) - {item.pk for item in found})
        if missing or not ids:
            raise CommandError(
                _("No evidence item has the id %(ids)s.") % {"ids": ", ".join(map(str, missing))}
            )
        try:
            manifest = services.export_items(by=None, items=found, folder=Path(to))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("%(n)d items exported with %(f)d files, signed.")
            % {"n": len(found), "f": len(manifest["files"])}
        )
