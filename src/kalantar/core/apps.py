from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kalantar.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from kalantar.core.audit import register_actions
        from kalantar.core.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.core.nav import register_shell_items

        register_shell_items()
