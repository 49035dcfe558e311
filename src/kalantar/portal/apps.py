from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "kalantar.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from kalantar.core.audit import register_actions
        from kalantar.incidents import projection
        from kalantar.portal import rollup
        from kalantar.portal.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        # The public statistics' counts follow every write of incidents, in its transaction.
        projection.register(rollup.PROJECTION)
