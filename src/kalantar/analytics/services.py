"""Writes of analytics: surge detection and the life of an alert (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kalantar.analytics import selectors, surges
from kalantar.analytics.models import SurgeAlert
from kalantar.core import audit
from kalantar.core.scoping import can_see_unit

if TYPE_CHECKING:
    from kalantar.people.models import User


@dataclass(frozen=True)
class DetectionResult:
    day: date
    tested: int
    created: list[SurgeAlert]


def detect_surges(
    *, day: date, by: User | None = None, station_ids: list[int] | None = None
) -> DetectionResult:
    """Test every station × category for `day`; open an alert for each new surge."""
    tested = selectors.window_sums(day, station_ids)
    found = []
    for station_id, category, current, baseline in tested:
        if current < surges.MIN_EVENTS:
            continue
        result = surges.test_window(current, baseline)
        if result.is_surge:
            found.append((station_id, category, result))
    with transaction.atomic():
        existing = set(SurgeAlert.objects.filter(day=day).values_list("station_id", "category"))
        new = [
            SurgeAlert(
                station_id=station_id,
                category=category,
                day=day,
                current=r.current,
                baseline_mean=r.baseline_mean,
                z=r.z,
                p=r.p,
            )
            for station_id, category, r in found
            if (station_id, category) not in existing
        ]
        SurgeAlert.objects.bulk_create(new)
        audit.record(
            "analytics.detect_surges",
            actor=by,
            object_type="analytics.surgealert",
            detail={"day": day.isoformat(), "tested": len(tested), "opened": len(new)},
        )
    return DetectionResult(day=day, tested=len(tested), created=new)


def set_alert_status(*, by: User | None, alert: SurgeAlert, status: str) -> SurgeAlert:
    """Close an alert, or mark the project opened from it; audited with the change."""
    if by is not None and not can_see_unit(by, alert.station):
        raise ValidationError(_("This alert belongs to a station you do not serve."))
    if status not in SurgeAlert.Status.values:
        raise ValidationError({"status": [_("Unknown alert status.")]})
    with transaction.atomic():
        alert.status = status
        alert.save(update_fields=["status"])
        audit.record("analytics.alert_status", actor=by, obj=alert, detail={"status": status})
    return alert
