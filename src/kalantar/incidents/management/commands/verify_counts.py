from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.incidents.importer import num
from kalantar.incidents.services import verify_counts


class Command(BaseCommand):
    help = _(
        "Recount every count derived from incidents and report where the stored counts "
        "differ; rewrite them only with --fix."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fix", action="store_true", help=_("rewrite the counts that differ"))

    def handle(self, *args, fix: bool = False, **options) -> None:
        drifts = verify_counts(fix=fix)
        for drift in drifts:
            self.stdout.write(
                _("%(name)s: %(wrong)s wrong, %(missing)s missing, %(extra)s extra")
                % {
                    "name": drift.name,
                    "wrong": num(drift.wrong),
                    "missing": num(drift.missing),
                    "extra": num(drift.extra),
                }
            )
            for example in drift.examples:
                self.stdout.write(f"  {example}")
            if drift.fixed:
                self.stdout.write(
                    _("%(name)s: rewritten from the incidents.") % {"name": drift.name}
                )
        if any(drifts) and not fix:
            raise CommandError(_("The counts differ from the incidents; run again with --fix."))
