from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = ("incidents.view_incident", "incidents.view_patrolunit", "incidents.view_dispatch")
_RECORD = ("incidents.add_incident", "incidents.change_incident")
_DISPATCH = ("incidents.dispatch_incident", "incidents.change_patrolunit")

ROLE_GRANTS = {
    "desk_officer": (*_VIEW, "incidents.add_incident"),
    "station_chief": (*_VIEW, *_RECORD, *_DISPATCH, "incidents.add_patrolunit"),
    "dispatcher": (*_VIEW, *_RECORD, *_DISPATCH),
    "alarm_operator": (*_VIEW, *_RECORD, *_DISPATCH),
    "alarm_supervisor": (*_VIEW, *_RECORD, *_DISPATCH),
    "county_commander": _VIEW,
    "province_commander": _VIEW,
    "analyst": _VIEW,
    "inspector": _VIEW,
    "sysadmin": (*_VIEW, *_RECORD, *_DISPATCH, "incidents.add_patrolunit"),
}


class IncidentsConfig(AppConfig):
    name = "kalantar.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from kalantar.core.audit import register_actions
        from kalantar.incidents.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.core import extensions as ext
        from kalantar.incidents import counts, projection
        from kalantar.people.roles import grant

        projection.register(counts.PROJECTION)
        for role, permissions in ROLE_GRANTS.items():
            grant(role, *permissions)
        ext.add_nav_item(
            ext.NavItem(
                _("Dispatch"),
                "incidents:board",
                "broadcast",
                "incidents.dispatch_incident",
                order=20,
                section="operations",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Incidents"),
                "incidents:list",
                "journal-text",
                "incidents.view_incident",
                order=21,
                section="operations",
            )
        )
        ext.add_demo_loader(ext.DemoLoader("incidents", _load_demo, order=60))
        ext.add_address_source(ext.AddressSource("incidents", _recorded_addresses))
        from kalantar.core import jobs
        from kalantar.incidents import (
            import_jobs,
            receivers,  # noqa: F401  (connects the complaint hook)
        )

        jobs.register(import_jobs.JOB)


def _recorded_addresses(user, words: list[str], limit: int) -> list[tuple[str, float, float]]:
    from kalantar.incidents.selectors import recorded_addresses

    return recorded_addresses(user, words, limit)


def _load_demo(progress) -> None:
    from kalantar.incidents.demo import load

    load(progress)
