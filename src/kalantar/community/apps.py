from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = (
    "community.view_volunteer",
    "community.view_watchgroup",
    "community.view_neighbourhood",
    "community.view_trainingsession",
    "community.view_hoursentry",
    "community.view_alert",
    "community.view_safetyreport",
)
_WORK = (
    *_VIEW,
    "community.add_volunteer",
    "community.change_volunteer",
    "community.add_hoursentry",
    "community.change_hoursentry",
    "community.add_trainingsession",
    "community.add_alert",
    "community.review_safetyreport",
)
_LEAD = (*_WORK, "community.add_watchgroup", "community.add_neighbourhood")
# The admin screens: renaming areas and groups, reading consent records.
_ADMIN = (
    "community.change_neighbourhood",
    "community.change_watchgroup",
    "community.view_subscriber",
    "community.view_assignment",
    "community.view_recognition",
)


class CommunityConfig(AppConfig):
    name = "kalantar.community"
    label = "community"
    verbose_name = _("Community programmes")

    def ready(self) -> None:
        from kalantar.community.audit_actions import ACTIONS
        from kalantar.core import extensions as ext
        from kalantar.core.audit import register_actions
        from kalantar.people.roles import grant

        register_actions(*ACTIONS)
        for label, url, icon, perm, order in (
            (_("Volunteers"), "community:volunteers", "people", "community.view_volunteer", 40),
            (_("Resident alerts"), "community:alerts", "megaphone", "community.view_alert", 41),
            (_("Safety reports"), "community:reports", "eye", "community.view_safetyreport", 42),
            (_("My group"), "community:me", "person-badge", "community.use_volunteer_page", 43),
        ):
            section = "" if url == "community:me" else "operations"
            ext.add_nav_item(ext.NavItem(label, url, icon, perm, order=order, section=section))
        grant("station_chief", *_LEAD)
        grant("community_officer", *_LEAD)
        grant("sysadmin", *_LEAD, *_ADMIN)
        grant("desk_officer", *_VIEW)
        grant("county_commander", *_VIEW)
        grant("province_commander", *_VIEW)
        grant("volunteer", "community.use_volunteer_page")
        ext.add_periodic_job(
            ext.PeriodicJob(
                "community_alerts", _send_alerts, 5, label=_("Send neighbourhood alerts")
            )
        )
        ext.add_demo_loader(ext.DemoLoader("community", _load_demo, order=75))


def _send_alerts() -> str | None:
    from kalantar.community import sending

    return sending.run()


def _load_demo(progress) -> None:
    from kalantar.community.demo import load

    load(progress)
