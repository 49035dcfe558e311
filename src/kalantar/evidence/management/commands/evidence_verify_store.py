from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kalantar.evidence import services


class Command(BaseCommand):
    help = (
        "Read every original of the evidence store back now and compare it with its SHA-256; "
        "an altered or missing file quarantines its items and alerts the inspection office."
    )

    def handle(self, *args, **options):
        def progress(done: int, total: int, original) -> None:
            self.stdout.write(f"[{done}/{total}] {done * 100 // total:3d}% {original.sha256[:16]}")

        checked, failed = services.run_fixity(progress=progress)
        self.stdout.write(
            _("%(checked)d originals checked, %(failed)d altered or missing.")
            % {"checked": checked, "failed": failed}
        )
        if failed:
            raise SystemExit(1)
