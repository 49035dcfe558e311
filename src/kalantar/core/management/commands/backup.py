from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.core import backup


class Command(BaseCommand):
    help = (
        "Back up the site into a new or empty folder: the database (SQLite's online backup, "
        "or pg_dump in custom format), media, evidence, audit checkpoints and the keys in "
        "var/, with a manifest of row counts and SHA-256 checksums."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        try:
            manifest = backup.backup(folder, self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(
                _("The backup could not be written, and nothing was kept: %(error)s")
                % {"error": error}
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written to %(path)s: %(tables)s tables, %(files)s files.")
                % {
                    "path": folder.absolute(),
                    "tables": backup.number(len(manifest["database"]["tables"])),
                    "files": backup.number(len(manifest["files"])),
                }
            )
        )
