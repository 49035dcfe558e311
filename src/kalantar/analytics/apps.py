from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = ("analytics.view_analytics", "analytics.view_surgealert")
_MANAGE = (*_VIEW, "analytics.change_surgealert")

ROLE_GRANTS = {
    "station_chief": _MANAGE,
    "county_commander": _MANAGE,
    "province_commander": _MANAGE,
    "analyst": _VIEW,
    "dispatcher": _VIEW,
    "inspector": _VIEW,
    "sysadmin": _MANAGE,
}


class AnalyticsConfig(AppConfig):
    name = "kalantar.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from kalantar.analytics.audit_actions import ACTIONS
        from kalantar.core.audit import register_actions

        register_actions(*ACTIONS)
        from kalantar.core import extensions as ext
        from kalantar.people.roles import grant

        for role, permissions in ROLE_GRANTS.items():
            grant(role, *permissions)
        for label, url, icon, order, section in (
            (_("Morning report"), "analytics:morning", "sunrise", 5, ""),
            (_("CompStat"), "analytics:compstat", "bar-chart-line", 30, "awareness"),
            (_("Hotspots"), "analytics:hotspots", "fire", 31, "awareness"),
            (_("Surge alerts"), "analytics:surges", "graph-up-arrow", 32, "awareness"),
        ):
            ext.add_nav_item(
                ext.NavItem(
                    label, url, icon, "analytics.view_analytics", order=order, section=section
                )
            )
        ext.add_periodic_job(
            ext.PeriodicJob("detect_surges", _nightly_surges, 600, label=_("Detect surges"))
        )
        # After the incidents' demo history (order 60), before problems open from alerts.
        ext.add_demo_loader(ext.DemoLoader("surge_alerts", _demo_surges, order=65))


_last_day: dict[str, object] = {}


def _demo_surges(progress) -> None:
    from datetime import timedelta

    from kalantar.analytics.services import detect_surges
    from kalantar.core.jalali import tehran_today

    result = detect_surges(day=tehran_today() - timedelta(days=1))
    progress(f"{len(result.created)} surge alerts")


def _nightly_surges() -> str | None:
    """Once per Iranian day, after midnight, test yesterday (idempotent if run again)."""
    from datetime import timedelta

    from kalantar.analytics.services import detect_surges
    from kalantar.core.jalali import tehran_today

    day = tehran_today() - timedelta(days=1)
    if _last_day.get("day") == day:
        return None
    result = detect_surges(day=day)
    _last_day["day"] = day
    return f"surge detection for {day}: {len(result.created)} new alerts"
