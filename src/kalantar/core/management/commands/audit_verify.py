from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.core.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exit non-zero at the first broken entry."

    def handle(self, *args, **options):
        checked, broken = verify_chain()
        if broken is not None:
            messages = {
                "modified": _("Audit entry %(seq)s was modified."),
                "removed": _("Audit entry %(seq)s is missing: it was removed."),
                "inserted": _(
                    "Audit entry %(seq)s does not follow the entry before it: "
                    "an entry was inserted or reordered."
                ),
            }
            raise CommandError(
                _("The audit log is NOT intact after %(n)s valid entries. ") % {"n": checked}
                + messages[broken.reason] % {"seq": broken.seq}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("The audit log is intact: %(n)s entries verified.") % {"n": checked}
            )
        )
