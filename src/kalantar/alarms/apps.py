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
        _name_incident_outcomes()
        from kalantar.alarms import plugin

        plugin.register()


def _name_incident_outcomes() -> None:
    """An incident an alarm closes keeps the alarm's outcome code; name it on its pages."""
    from kalantar.alarms.models import Alarm
    from kalantar.incidents.outcomes import register_outcomes

    register_outcomes(dict(Alarm.Outcome.choices))
