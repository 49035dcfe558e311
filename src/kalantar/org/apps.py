from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "kalantar.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from kalantar.core import extensions as ext
        from kalantar.core.audit import register_actions
        from kalantar.org.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.core import jobs
        from kalantar.org import (
            import_jobs,
            signals,  # noqa: F401  (rebuilds the geo index on change)
        )

        jobs.register(import_jobs.JOB)

        ext.add_home_card(ext.HomeCard("units", "org/_home_card.html", _units_card, order=10))
        # The way to the map comes after the apps' figures.
        ext.add_home_card(ext.HomeCard("map", "org/_home_map_card.html", _map_card, order=90))


def _units_card(user) -> dict | None:
    """The counts of the user's unit and the way to its map."""
    from kalantar.org.selectors import unit_summary

    return {"summary": unit_summary(user.unit)} if user.unit else None


def _map_card(user) -> dict | None:
    return {} if user.unit else None
