"""Writes of analytics: surge detection and the life of an alert (audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Sum, When
from django.utils.translation import gettext as _

from kalantar.analytics import surges
from kalantar.analytics.models import SurgeAlert
from kalantar.core import audit
from kalantar.core.scoping import can_see_unit
from kalantar.incidents.models import DailyCount


@dataclass(frozen=True)
class DetectionResult:
    day: date
    tested: int
    created: list[SurgeAlert]


def window_sums(day: date, station_ids=None) -> list[tuple[int, str, int, list[int]]]:
    """(station, category, last 28 days, [the twelve 28-day periods before]) per pair."""
    window = surges.WINDOW_DAYS
    periods = surges.BASELINE_PERIODS + 1
    first = day - timedelta(days=window * periods - 1)
    annotations = {}
    for k in range(periods):
        end = day - timedelta(days=window * k)
        start = end - timedelta(days=window - 1)
        annotations[f"p{k}"] = Sum(
            Case(
                When(day__gte=start, day__lte=end, then="count"),
                default=0,
                output_field=IntegerField(),
            )
        )
    rows = DailyCount.objects.filter(day__gte=first, day__lte=day)
    if station_ids is not None:
        rows = rows.filter(station_id__in=station_ids)
    result = []
    for row in rows.values("station_id", "category").annotate(**annotations).order_by():
        counts = [row[f"p{k}"] or 0 for k in range(periods)]
        result.append((row["station_id"], row["category"], counts[0], counts[1:]))
    return result


def detect_surges(*, day: date, by=None, station_ids=None) -> DetectionResult:
    """Test every station × category for `day`; open an alert for each new surge."""
    tested = window_sums(day, station_ids)
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


def set_alert_status(*, by, alert: SurgeAlert, status: str) -> SurgeAlert:
    if by is not None and not can_see_unit(by, alert.station):
        raise ValidationError(_("This alert belongs to a station you do not serve."))
    if status not in SurgeAlert.Status.values:
        raise ValidationError({"status": [_("Unknown alert status.")]})
    with transaction.atomic():
        alert.status = status
        alert.save(update_fields=["status"])
        audit.record("analytics.alert_status", actor=by, obj=alert, detail={"status": status})
    return alert


def open_alerts_q() -> Q:
    return Q(status=SurgeAlert.Status.OPEN)
