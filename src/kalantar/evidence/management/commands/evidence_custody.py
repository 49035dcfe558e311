from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.evidence import selectors, services


class Command(BaseCommand):
    help = (
        "Write an evidence item's custody chain as a Persian PDF for a court: the item's "
        "facts and hash, and every custody event with who, when, why and its chain hash."
    )

    def add_arguments(self, parser):
        parser.add_argument("item", type=int, help="The evidence item's id.")
        parser.add_argument("--pdf", required=True, help="Where to write the PDF.")

    def handle(self, *args, item, pdf, **options):
        found = selectors.items_by_ids([item])
        if not found:
            raise CommandError(_("No evidence item has the id %(ids)s.") % {"ids": item})
        data = services.custody_report(by=None, item=found[0])
        Path(pdf).write_bytes(data)
        self.stdout.write(
            _("Custody chain of item %(id)s written to %(path)s.") % {"id": item, "path": pdf}
        )
