from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "kalantar.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from kalantar.core.audit import register_actions
        from kalantar.org.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.org import signals  # noqa: F401  (rebuilds the geo index on change)
