"""What guard tours, guards' reports and reviews plug into the shell: audit actions, role
grants, navigation, the job that closes tour rounds, the demo. Imported from the app's
ready() only: it imports models."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kalantar.core import extensions as ext
from kalantar.core.audit import register_actions
from kalantar.people.roles import grant
from kalantar.security_firms import (
    field_demo,
    reviews,  # noqa: F401  (connects its signal receivers)
    tours,
)
from kalantar.security_firms.field_audit_actions import ACTIONS

_STATION = (
    "security_firms.view_guardreport",
    "security_firms.view_tourround",
    "security_firms.view_checkpoint",
)
_ANSWER = (*_STATION, "security_firms.change_guardreport")
_REGISTRAR = (
    *_STATION,
    "security_firms.view_guardreview",
    "security_firms.change_guardreview",
)


def register() -> None:
    register_actions(*ACTIONS)
    for role in ("desk_officer", "station_chief", "sysadmin"):
        grant(role, *_ANSWER)
    for role in ("county_commander", "province_commander", "inspector"):
        grant(role, *_STATION)
    grant("security_registrar", *_REGISTRAR)
    ext.add_nav_item(
        ext.NavItem(
            _("Guards' reports"),
            "security_firms:station_reports",
            "megaphone",
            "security_firms.view_guardreport",
            order=40,
            section="operations",
        )
    )
    ext.add_nav_item(
        ext.NavItem(
            _("Guard reviews"),
            "security_firms:reviews",
            "person-exclamation",
            "security_firms.view_guardreview",
            order=41,
            section="operations",
        )
    )
    ext.add_periodic_job(
        ext.PeriodicJob(
            "security_firms_tours", _close_rounds, 300, label=_("Close guard tour rounds")
        )
    )
    ext.add_demo_loader(ext.DemoLoader("security_firms_field", _load_demo, order=85))


def _close_rounds() -> str | None:
    closed = tours.close_due_rounds()
    return f"tours: {closed} rounds closed" if closed else None


def _load_demo(progress) -> None:
    field_demo.load(progress)
