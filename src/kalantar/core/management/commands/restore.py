from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError
from django.utils.translation import gettext as _

from kalantar.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `kalantar backup` into this site's empty database and "
        "empty folders, then prove the copy: every table's row count, every file's "
        "checksum, and the audit log's chain."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        try:
            restored = backup.restore(folder, self.stdout.write)
            backup.verify_audit(self.stdout.write)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        except OperationalError as error:
            raise CommandError(
                _("The database to restore into cannot be reached (create it first): %(error)s")
                % {"error": error}
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Restored and verified: %(tables)s tables and %(rows)s rows as the backup "
                    "counted them, %(files)s files as it hashed them, and an intact audit log."
                )
                % {
                    "tables": backup.number(restored.tables),
                    "rows": backup.number(restored.rows),
                    "files": backup.number(restored.files),
                }
            )
        )
