from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kalantar.incidents.importer import num
from kalantar.incidents.services import rebuild_counts


class Command(BaseCommand):
    help = _("Recompute the daily incident counts from the incidents.")

    def handle(self, *args, **options) -> None:
        n = rebuild_counts()
        self.stdout.write(_("%(n)s daily counts written.") % {"n": num(n)})
