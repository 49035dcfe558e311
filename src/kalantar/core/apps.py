from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kalantar.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from kalantar.core import (
            checks,  # noqa: F401  (registers the system checks)
            extensions,
            sms,  # noqa: F401  (declares its background task)
        )
        from kalantar.core.audit import checkpoint_job, register_actions
        from kalantar.core.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.core.nav import register_shell_items

        register_shell_items()
        # Signed checkpoints of the audit chain's head, outside the database: they are what
        # catches entries deleted from the end of the log.
        extensions.add_periodic_job(
            extensions.PeriodicJob(
                "audit_checkpoint",
                checkpoint_job,
                every_seconds=settings.AUDIT_CHECKPOINT_SECONDS,
                label=_("Audit log checkpoint"),
            )
        )
        from kalantar.core.tasks import purge_finished

        extensions.add_periodic_job(
            extensions.PeriodicJob(
                "task_purge", purge_finished, 86400, label=_("Purge finished tasks")
            )
        )
        from kalantar.core import jobs

        extensions.add_periodic_job(
            extensions.PeriodicJob(
                "job_purge", jobs.purge_finished, 86400, label=_("Purge finished page jobs")
            )
        )
