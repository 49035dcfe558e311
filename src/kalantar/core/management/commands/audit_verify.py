from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.core.audit import verify_chain
from kalantar.core.audit_checkpoints import checkpoint_path, read_checkpoints


class Command(BaseCommand):
    help = (
        "Verify the audit log's keyed chain against the signed checkpoints; exit non-zero "
        "at the first broken entry."
    )

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
                "truncated": _(
                    "The log ends before entry %(seq)s, which a signed checkpoint recorded: "
                    "entries were removed from the end."
                ),
                "rewritten": _(
                    "Audit entry %(seq)s differs from the one a signed checkpoint recorded: "
                    "the log was rewritten."
                ),
                "checkpoint": _("A checkpoint of the audit log is damaged or forged."),
                "unsealed": _(
                    "Entries 1 to %(seq)s were written before the audit log was keyed and no "
                    "checkpoint seals them yet: run “kalantar audit_checkpoint”."
                ),
            }
            raise CommandError(
                _("The audit log is NOT intact after %(n)s valid entries. ") % {"n": checked}
                + messages[broken.reason] % {"seq": broken.seq}
                + f" ({broken.message})"
            )
        if not read_checkpoints() and checked:
            # Without a checkpoint, entries deleted from the end cannot be noticed.
            self.stderr.write(
                _(
                    "Warning: no checkpoint in %(path)s; "
                    "removal of the last entries would go unseen."
                )
                % {"path": checkpoint_path()}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("The audit log is intact: %(n)s entries verified.") % {"n": checked}
            )
        )
