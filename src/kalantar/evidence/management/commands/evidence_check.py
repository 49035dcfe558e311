from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.evidence import court_check, signing


class Command(BaseCommand):
    help = (
        "Verify an evidence export offline: the manifest's signature by the evidence key, "
        "and every listed file's size and SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument(
            "--key", help="The public key to check with (default: this server's evidence key)."
        )

    def handle(self, *args, folder, key=None, **options):
        public = court_check.load_public_key(key) if key else signing.public_key()
        problems = court_check.problems(Path(folder), public)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(
                _("The export is NOT intact: %(n)d problems.") % {"n": len(problems)}
            )
        self.stdout.write(_("The export is intact: signature valid, every file as listed."))
