"""An incident as it reached the police, before it is recorded, and the checks of its own fields.

Every way in (the dispatcher's form, an alarm sent to a patrol, a complaint accepted by a
station, the demo) builds an `IncidentReport`; `services.open_incident` routes it to a
station and stores it. Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from kalantar.incidents import categories
from kalantar.incidents.models import Incident

Errors = dict[str, list[str]]

# A clock a few minutes ahead of the server's is not a time in the future.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class IncidentReport:
    """What is known of an incident when it is reported.

    `priority` None means the category's default; `received_at` None means now. `alarm_ref`
    and `external_id` tie the incident to the alarm or the outside record it came from.
    `named` lists the national codes of the people the report names.
    """

    source: str
    category: str
    lon: float
    lat: float
    occurred_at: datetime | None
    priority: int | None = 3
    narrative: str = ""
    received_at: datetime | None = None
    alarm_ref: str = ""
    external_id: str | None = None
    # National codes of people the report names (a suspect, a witness); not stored on the
    # incident: followers of `signals.incident_opened` match them against their registers.
    named: tuple[str, ...] = ()


def add_error(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def priority_of(report: IncidentReport) -> int | None:
    """The priority the incident is recorded with: the report's, or its category's default."""
    if report.priority is None:
        return categories.default_priority(report.category)
    return report.priority


def field_errors(report: IncidentReport, *, now: datetime) -> Errors:
    """What is wrong with the report's own fields, by field. Where it goes (the station of
    the point) is the service's part."""
    errors: Errors = {}
    if report.source not in Incident.Source.values:
        add_error(errors, "source", _("Unknown incident source."))
    if not categories.is_known(report.category):
        add_error(
            errors,
            "category",
            _("Unknown incident category “%(code)s”.") % {"code": report.category},
        )
    if priority_of(report) not in (1, 2, 3, 4):
        add_error(errors, "priority", _("Priority must be 1 (highest) to 4."))
    occurred_at, received_at = report.occurred_at, report.received_at or now
    if occurred_at is None or timezone.is_naive(occurred_at):
        add_error(errors, "occurred_at", _("Give the time of the incident with its time zone."))
    elif occurred_at > now + CLOCK_SKEW:
        add_error(errors, "occurred_at", _("The time of the incident cannot be in the future."))
    elif received_at < occurred_at:
        add_error(errors, "received_at", _("An incident cannot be received before it happened."))
    return errors
