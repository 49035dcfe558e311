from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_VIEW = ("transformation.view_progress",)
_OFFICE = (*_VIEW, "transformation.edit_framework")
_STATION = (*_VIEW, "transformation.self_assess")
_INSPECT = (*_VIEW, "transformation.assess_station")


class TransformationConfig(AppConfig):
    name = "kalantar.transformation"
    label = "transformation"
    verbose_name = _("Station transformation programme")

    def ready(self) -> None:
        from kalantar.core.audit import register_actions
        from kalantar.transformation.audit_actions import ACTIONS

        register_actions(*ACTIONS)
        from kalantar.core import extensions as ext
        from kalantar.people.roles import grant

        ext.add_nav_item(
            ext.NavItem(
                _("Transformation programme"),
                "transformation:progress",
                "bar-chart-steps",
                "transformation.view_progress",
                order=45,
                section="awareness",
            )
        )
        ext.add_nav_item(
            ext.NavItem(
                _("Programme framework"),
                "transformation:framework",
                "diagram-2",
                "transformation.view_progress",
                order=46,
                section="awareness",
            )
        )
        grant("programme_office", *_OFFICE)
        grant("station_chief", *_STATION)
        grant("county_commander", *_VIEW)
        grant("province_commander", *_VIEW)
        grant("inspector", *_INSPECT)
        grant("analyst", *_VIEW)
        grant("sysadmin", *_OFFICE, *_STATION, *_INSPECT)
        ext.add_attachment_kind(ext.AttachmentKind("transformation", _document))
        ext.add_periodic_job(
            ext.PeriodicJob(
                "transformation_indicators",
                _indicators,
                86400,
                label=_("Compute the programme's indicators"),
            )
        )
        ext.add_demo_loader(ext.DemoLoader("transformation", _load_demo, order=95))


def _document(user, pk: int):
    from kalantar.transformation.selectors import attachment_for

    return attachment_for(user, pk)


def _indicators() -> str | None:
    """Nightly: this Jalali month's figures so far, and last month's final ones."""
    from kalantar.core import periods
    from kalantar.core.jalali import tehran_today
    from kalantar.transformation import services

    this = periods.jalali_month_of(tehran_today())
    stored = services.compute_indicators(this) + services.compute_indicators(periods.previous(this))
    return f"indicators: {stored} figures stored" if stored else None


def _load_demo(progress) -> None:
    from kalantar.transformation.demo import load

    load(progress)
