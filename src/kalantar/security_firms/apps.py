from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_STATION = ("security_firms.view_contractsite",)
_VIEW = (*_STATION, "security_firms.view_guard", "security_firms.view_institution")
_REGISTRAR = (
    *_VIEW,
    "security_firms.register_security",
    "security_firms.add_guard",
    "security_firms.change_guard",
    "security_firms.add_shift",
    "security_firms.add_rosterassignment",
)


class SecurityFirmsConfig(AppConfig):
    name = "kalantar.security_firms"
    label = "security_firms"
    verbose_name = _("Security institutions")

    def ready(self) -> None:
        from kalantar.core import extensions as ext
        from kalantar.core.audit import register_actions
        from kalantar.people.roles import grant
        from kalantar.security_firms.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        ext.add_nav_item(
            ext.NavItem(
                _("Guards on duty"),
                "security_firms:on_duty",
                "shield-check",
                "security_firms.view_contractsite",
                order=35,
                section="operations",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Guard register"),
                "security_firms:desk",
                "person-badge",
                "security_firms.register_security",
                order=36,
                section="operations",
            )
        )
        grant("security_registrar", *_REGISTRAR)
        grant("sysadmin", *_REGISTRAR)
        grant("province_commander", *_VIEW)
        grant("inspector", *_VIEW)
        for role in ("station_chief", "desk_officer", "county_commander", "dispatcher"):
            grant(role, *_STATION)
        ext.add_periodic_job(
            ext.PeriodicJob("guard_licences", _licences, 3600, label=_("Guard licence expiries"))
        )
        ext.add_demo_loader(ext.DemoLoader("security_firms", _load_demo, order=75))

        from kalantar.security_firms import field_setup

        field_setup.register()


def _licences() -> str | None:
    """Hourly: licences past expiry lapse; guards whose training fell overdue leave rosters."""
    from kalantar.security_firms import services

    expired, taken_off = services.expire_licences(), services.sweep_overdue_training()
    if expired or taken_off:
        return f"guards: {expired} licences expired, {taken_off} roster places emptied"
    return None


def _load_demo(progress) -> None:
    from kalantar.security_firms.demo import load

    load(progress)
