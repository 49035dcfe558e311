from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlarmsConfig(AppConfig):
    name = "kalantar.alarms"
    label = "alarms"
    verbose_name = _("Alarm monitoring centre")

    def ready(self) -> None:
        from kalantar.alarms.audit_actions import ACTIONS
        from kalantar.core.audit import register_actions

        register_actions(*ACTIONS)
        from kalantar.alarms import plugin

        plugin.register()
