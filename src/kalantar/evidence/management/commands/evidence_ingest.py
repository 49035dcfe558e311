from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.evidence import services


class Command(BaseCommand):
    help = (
        "Offload a camera's folder into the evidence store: every file is hashed while it is "
        "copied, kept once by its SHA-256 (a second run keeps nothing twice, a killed run "
        "resumes), and only video, audio, images and PDF are accepted."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--device", required=True, help="The camera's serial number.")

    def handle(self, *args, folder, device, **options):
        root = Path(folder)
        if not root.is_dir():
            raise CommandError(_("%(f)s is not a folder.") % {"f": folder})
        try:
            camera = services.dock_camera(serial=device)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        files = sorted(p for p in root.rglob("*") if p.is_file())
        total = sum(p.stat().st_size for p in files) or 1
        done, kept, known, refused = 0, 0, 0, 0
        for number, path in enumerate(files, 1):
            try:
                _item, new = services.ingest_file(by=None, path=path, device=camera)
            except services.IngestRefused as error:
                refused += 1
                self.stderr.write(str(error))
            else:
                kept, known = kept + new, known + (not new)
            done += path.stat().st_size
            self.stdout.write(f"[{number}/{len(files)}] {done * 100 // total:3d}% {path.name}")
        self.stdout.write(
            _("%(kept)d kept, %(known)d already kept, %(refused)d refused.")
            % {"kept": kept, "known": known, "refused": refused}
        )
