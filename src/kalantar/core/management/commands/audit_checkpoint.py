from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kalantar.core.audit import AuditChainBroken, write_checkpoint
from kalantar.core.audit_checkpoints import CheckpointError, checkpoint_path


class Command(BaseCommand):
    help = (
        "Verify the audit entries written since the last checkpoint, then append a signed "
        "checkpoint of the chain's head to the checkpoint file (the scheduler runs it too)."
    )

    def handle(self, *args, **options):
        try:
            checkpoint = write_checkpoint()
        except (AuditChainBroken, CheckpointError) as error:
            raise CommandError(
                _("No checkpoint written: the audit log does not verify (%(reason)s).")
                % {"reason": error}
            ) from error
        if checkpoint is None:
            self.stdout.write(_("Nothing was appended since the last checkpoint."))
            return
        self.stdout.write(
            self.style.SUCCESS(
                _("Checkpoint of entry %(seq)s written to %(path)s.")
                % {"seq": checkpoint.seq, "path": checkpoint_path()}
            )
        )
