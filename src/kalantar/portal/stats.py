"""Monthly public statistics of a unit, from closed cases only, ready to publish.

Only published forms leave this module (see `disclosure`): raw counts are never cached or
returned. The result is plain JSON-able data, cached per unit and month.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime, time, timedelta

import h3
from django.core.cache import cache
from django.db.models import Sum

from kalantar.alarms.models import Alarm
from kalantar.complaints import workflow
from kalantar.complaints.models import Complaint
from kalantar.core.jalali import TEHRAN
from kalantar.core.periods import Month
from kalantar.core.replicas import reads_from_replica
from kalantar.incidents.models import Incident
from kalantar.org.models import Unit
from kalantar.portal.disclosure import enough, protect, publish
from kalantar.portal.models import ClosedIncidentCount
from kalantar.problems.models import Referral

CELL_RESOLUTION = 7  # the rollup's cells (portal.rollup)
CACHE_SECONDS = 3600
CACHE_VERSION = 1
PUBLIC_KINDS = ("national", "province", "county", "kalantari", "pasgah")


def public_units():
    return Unit.objects.filter(kind__in=PUBLIC_KINDS, is_active=True).order_by("path")


def cache_key(unit: Unit, month: Month) -> str:
    return f"transparency:{CACHE_VERSION}:{unit.code}:{month.first}:{month.last}"


def monthly_statistics(unit: Unit, month: Month, *, use_cache: bool = True) -> dict:
    key = cache_key(unit, month)
    if use_cache:
        cached = cache.get(key)
        if cached is not None:
            return cached
    data = compute(unit, month)
    cache.set(key, data, CACHE_SECONDS)
    return data


def _bounds(month: Month) -> tuple[datetime, datetime]:
    start = datetime.combine(month.first, time(), tzinfo=TEHRAN)
    return start, datetime.combine(month.last + timedelta(days=1), time(), tzinfo=TEHRAN)


def _child_of(unit: Unit, path: str) -> str | None:
    """The code of `unit`'s direct child on the way down to `path`."""
    rest = path[len(unit.path) :].strip("/")
    return rest.split("/", 1)[0] if rest else None


@reads_from_replica()
def compute(unit: Unit, month: Month) -> dict:
    stations = {
        s.pk: s.path
        for s in Unit.objects.filter(path__startswith=unit.path).stations().only("pk", "path")
    }
    return {
        "unit": {"code": unit.code, "name": unit.name, "name_en": unit.name_en, "kind": unit.kind},
        "month": {
            "code": month.jalali_code,
            "first": month.first.isoformat(),
            "last": month.last.isoformat(),
        },
        "incidents": _incidents(unit, stations, month),
        "complaints": _complaints(unit, month),
        "alarms": _alarms(stations, month),
        "referrals": _referrals(unit, month),
    }


def _incidents_of_days(stations: dict[int, str], month: Month) -> list[tuple]:
    """Closed incidents of a Gregorian month, counted from the incidents themselves."""
    rows = (
        Incident.objects.filter(
            station_id__in=list(stations),
            day__gte=month.first,
            day__lte=month.last,
            status=Incident.Status.CLOSED,
        )
        .order_by()
        .values_list("station_id", "category", "h3_cell")
    )
    counts: Counter[tuple] = Counter()
    for (station_id, category, cell), n in Counter(rows.iterator(chunk_size=50_000)).items():
        counts[(station_id, category, h3.cell_to_parent(cell, CELL_RESOLUTION))] += n
    return [(*key, n) for key, n in counts.items()]


def _incidents(unit: Unit, stations: dict[int, str], month: Month) -> dict:
    if month.jalali:
        # The rollup (portal.rollup) holds closed incidents per station, Jalali month,
        # category and resolution-7 cell: thousands of rows, not a million incidents.

        groups = (
            ClosedIncidentCount.objects.filter(station_id__in=list(stations), month=month.first)
            .order_by()
            .values_list("station_id", "category", "cell")
            .annotate(n=Sum("count"))
            .values_list("station_id", "category", "cell", "n")
        )
    else:
        groups = _incidents_of_days(stations, month)
    by_category: Counter[str] = Counter()
    by_child: Counter[str] = Counter()
    by_cell: Counter[str] = Counter()
    children_of = {pk: _child_of(unit, path) for pk, path in stations.items()}
    for station_id, category, cell, n in groups:
        by_category[category] += n
        child = children_of[station_id]
        if child:
            by_child[child] += n
        by_cell[cell] += n
    children = {u.code: u for u in Unit.objects.filter(code__in=list(by_child))}
    tables = (
        [by_category, dict(by_child), dict(by_cell)] if by_child else [by_category, dict(by_cell)]
    )
    total, published = protect(sum(by_category.values()), tables)
    categories, cells = published[0], published[-1]
    units = published[1] if by_child else {}
    return {
        "total": total.as_json(),
        "by_category": [
            {"category": code, "count": categories[code].as_json()}
            for code, n in sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))
            if n
        ],
        "by_unit": [
            {
                "code": code,
                "name": children[code].name,
                "name_en": children[code].name_en,
                "count": units[code].as_json(),
            }
            for code in sorted(units)
        ],
        "by_cell": [
            {"cell": cell, "count": cells[cell].as_json()}
            for cell, n in sorted(by_cell.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
    }


def _complaints(unit: Unit, month: Month) -> dict:
    start, end = _bounds(month)
    mine = Complaint.objects.filter(unit__path__startswith=unit.path)
    received = mine.filter(filed_at__gte=start, filed_at__lt=end).count()
    closed = list(
        mine.filter(status=workflow.CLOSED, closed_at__gte=start, closed_at__lt=end).values_list(
            "filed_at", "closed_at", "satisfaction"
        )
    )
    days = [(c - f).total_seconds() / 86400 for f, c, _s in closed]
    ratings = [s for _f, _c, s in closed if s is not None]
    return {
        "received": publish(received).as_json(),
        "closed": publish(len(closed)).as_json(),
        "median_days_to_close": round(statistics.median(days), 1) if enough(len(days)) else None,
        "satisfaction": round(statistics.fmean(ratings), 1) if enough(len(ratings)) else None,
        "rated": publish(len(ratings)).as_json(),
    }


def _alarms(stations: dict[int, str], month: Month) -> dict:
    """The false-alarm rate of alarms resolved in the month."""
    start, end = _bounds(month)
    outcomes = Counter(
        Alarm.objects.filter(
            station_id__in=list(stations), resolved_at__gte=start, resolved_at__lt=end
        )
        .exclude(outcome="")
        .values_list("outcome", flat=True)
    )
    total = sum(outcomes.values())
    false = sum(n for outcome, n in outcomes.items() if outcome in Alarm.FALSE_OUTCOMES)
    return {
        "resolved": publish(total).as_json(),
        "false_alarm_percent": round(100 * false / total) if enough(total) else None,
    }


def _referrals(unit: Unit, month: Month) -> list[dict]:
    start, end = _bounds(month)
    referrals = Referral.objects.filter(
        problem__unit__path__startswith=unit.path, sent_at__gte=start, sent_at__lt=end
    ).select_related("agency")
    per_agency: dict[int, list[Referral]] = {}
    for r in referrals:
        per_agency.setdefault(r.agency_id, []).append(r)
    rows = []
    for items in per_agency.values():
        agency = items[0].agency
        answered = [r for r in items if r.answered_at is not None]
        days = [r.days_to_answer for r in answered]
        rows.append(
            {
                "agency": agency.name,
                "agency_en": agency.name_en,
                "received": publish(len(items)).as_json(),
                "answered_on_time": publish(
                    sum(1 for r in answered if r.answered_on_time)
                ).as_json(),
                "answered_late": publish(
                    sum(1 for r in answered if not r.answered_on_time)
                ).as_json(),
                "declined": publish(
                    sum(1 for r in items if r.status == Referral.Status.DECLINED)
                ).as_json(),
                "overdue": publish(
                    sum(1 for r in items if r.status == Referral.Status.OVERDUE)
                ).as_json(),
                "median_days_to_answer": round(statistics.median(days), 1)
                if enough(len(days))
                else None,
            }
        )
    return sorted(rows, key=lambda row: row["agency"])
