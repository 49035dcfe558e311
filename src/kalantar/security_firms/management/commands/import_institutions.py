from __future__ import annotations

from django.utils.translation import gettext as _

from kalantar.security_firms.importer import import_institutions
from kalantar.security_firms.management.commands.import_guards import Command as GuardsCommand


class Command(GuardsCommand):
    help = _(
        "Import security institutions from a CSV or XLSX file; nothing is imported if any row "
        "is bad."
    )
    importer = staticmethod(import_institutions)
