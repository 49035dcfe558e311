"""How the alarm centre plugs into the shell: navigation, roles, periodic jobs and the demo."""

from __future__ import annotations

import sys

from django.utils.translation import gettext_lazy as _

from kalantar.alarms.demo import load_demo
from kalantar.alarms.services import supervision_sweep
from kalantar.core import extensions as ext
from kalantar.people import roles

DEMO_RECEIVER_PORT_OFFSET = 100  # demo receiver listens on the web port + this


def register() -> None:
    ext.add_nav_item(
        ext.NavItem(
            _("Alarm console"),
            "alarms:console",
            "bell",
            "alarms.view_alarm",
            order=20,
            section="operations",
        )
    )
    ext.add_nav_item(
        ext.NavItem(
            _("Subscribers"),
            "alarms:subscribers",
            "house-lock",
            "alarms.view_subscriber",
            order=21,
            section="operations",
        )
    )
    work = ("alarms.view_alarm", "alarms.work_alarm", "alarms.view_subscriber",
            "alarms.view_alarmevent", "incidents.view_patrolunit")  # fmt: skip
    for role in ("alarm_operator", "alarm_supervisor", "dispatcher", "station_chief"):
        roles.grant(role, *work)
    roles.grant("alarm_supervisor", "alarms.manage_parked")
    for role in ("desk_officer", "county_commander", "province_commander", "inspector"):
        roles.grant(role, "alarms.view_alarm", "alarms.view_subscriber")
    roles.grant(
        "sysadmin",
        *work,
        "alarms.add_subscriber",
        "alarms.change_subscriber",
        "alarms.import_subscribers",
        "alarms.manage_parked",
    )
    ext.add_nav_item(
        ext.NavItem(
            _("Parked alarm events"),
            "alarms:parked",
            "exclamation-octagon",
            "alarms.manage_parked",
            order=22,
            section="operations",
        )
    )
    ext.add_periodic_job(
        ext.PeriodicJob("alarm_supervision", _sweep, 10, label=_("Alarm supervision"))
    )
    ext.add_demo_process(ext.DemoProcess("alarm_receiver", _receiver_argv))
    ext.add_demo_process(ext.DemoProcess("alarm_panels", _panels_argv))
    ext.add_demo_loader(ext.DemoLoader("alarm_subscribers", _load_demo, order=70))


def _sweep() -> str | None:
    raised = supervision_sweep()
    return f"{raised} panels silent: communication lost" if raised else None


def _receiver_argv(host: str, port: int) -> list[str]:
    rport = str(port + DEMO_RECEIVER_PORT_OFFSET)
    return [sys.executable, "-m", "kalantar", "alarm_receiver", "--host", host, "--port", rport]


def _panels_argv(host: str, port: int) -> list[str]:
    rport = str(port + DEMO_RECEIVER_PORT_OFFSET)
    return [
        sys.executable, "-m", "kalantar", "simulate_panels", "--host", host, "--port", rport,
        "--demo", "--panels", "20", "--rate", "2", "--alarm-share", "0.02",
        "--wait-for-receiver", "30",
    ]  # fmt: skip


def _load_demo(progress) -> None:
    load_demo(progress)
