"""Guard tours: the checkpoints' rotating codes, a guard's scans, rounds closed with their
missed stops, and a site's tour report. Every write is one transaction, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kalantar.core import audit
from kalantar.core.persian import digits, normalize_text, to_latin_digits
from kalantar.incidents.geometry import haversine_km, valid_point
from kalantar.security_firms import tour_codes, tour_rules
from kalantar.security_firms.models import (
    Checkpoint,
    ContractSite,
    Guard,
    GuardPhone,
    TourPlan,
    TourRound,
    TourScan,
    TourStop,
)

REFUSALS = {
    tour_codes.MALFORMED: gettext_noop("This is not a checkpoint code of this system."),
    tour_codes.FORGED: gettext_noop(
        "This code was not made by this system (wrong signature); the scan was not recorded."
    ),
    tour_codes.EXPIRED: gettext_noop(
        "This code has expired: codes change every 30 minutes. Scan the checkpoint's screen again."
    ),
    tour_codes.NOT_YET: gettext_noop("This code's time has not come: check the phone's clock."),
}


def tour_key() -> bytes:
    """The key that signs checkpoint codes: GUARD_TOUR_KEY, or one derived from SECRET_KEY."""
    if settings.GUARD_TOUR_KEY:
        return settings.GUARD_TOUR_KEY.encode()
    return salted_hmac("kalantar.security_firms.tour_key", "v1").digest()


def current_code(checkpoint: Checkpoint, now: datetime | None = None) -> str:
    return tour_codes.make_code(tour_key(), checkpoint.pk, now or timezone.now())


def code_svg(url: str) -> str:
    """The QR of a scan address, as inline SVG markup for the checkpoint's screen."""
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=6, svgclass="checkpoint-qr", omitsize=True
    )


def issue_phone(*, by, guard: Guard) -> str:
    """A new secret link for a guard's phone; returns the raw secret, to show once."""
    if guard.status != Guard.Status.ACTIVE:
        raise ValidationError(_("Only a guard with an active licence gets a phone link."))
    phone = GuardPhone(guard=guard)
    raw = phone.draw_secret()
    with transaction.atomic():
        phone.save()
        audit.record("security_firms.phone_issued", actor=by, obj=phone, detail={"guard": guard.pk})
    return raw


def refusal(reason: str) -> str:
    return _(REFUSALS[reason])


def _refuse(message: str) -> ValidationError:
    return ValidationError({"code": [message]})


def _checkpoint_of(*, code: str, nfc_tag: str, now: datetime) -> tuple[Checkpoint, str]:
    if nfc_tag.strip():
        found = Checkpoint.objects.filter(nfc_tag=nfc_tag.strip(), is_active=True).first()
        if found is None:
            raise _refuse(_("No checkpoint has this NFC tag."))
        return found, TourScan.Method.NFC
    try:
        scanned = tour_codes.verify(tour_key(), code, now=now)
    except tour_codes.CodeError as error:
        raise _refuse(refusal(error.reason)) from error
    found = Checkpoint.objects.filter(pk=scanned.checkpoint_id, is_active=True).first()
    if found is None:
        raise _refuse(_("This checkpoint is no longer in use."))
    return found, TourScan.Method.QR


def _stop_and_start(checkpoint: Checkpoint, now: datetime) -> tuple[TourStop, datetime]:
    """The stop of an active plan for the checkpoint whose round is under way now."""
    stops = TourStop.objects.filter(checkpoint=checkpoint, plan__is_active=True).select_related(
        "plan"
    )
    for stop in stops:
        plan = stop.plan
        start = tour_rules.current_start(
            tour_rules.parse_start_times(plan.start_times),
            now,
            length=plan_length(plan),
            tolerance=timedelta(minutes=plan.tolerance_minutes),
        )
        if start is not None:
            return stop, start
    raise _refuse(_("No tour of this checkpoint is under way now."))


def plan_length(plan: TourPlan) -> timedelta:
    last = max((s.minutes_after_start for s in plan.stops.all()), default=0)
    return timedelta(minutes=last)


def _distance_m(checkpoint: Checkpoint, lon, lat) -> float | None:
    if lon is None or lat is None:
        return None
    return haversine_km(float(lon), float(lat), checkpoint.lon, checkpoint.lat) * 1000


def _check_guard(guard: Guard, checkpoint: Checkpoint) -> None:
    if guard.status != Guard.Status.ACTIVE:
        raise _refuse(_("Your licence is not active: scans are not accepted."))
    if checkpoint.site.institution_id != guard.institution_id:
        raise _refuse(_("This checkpoint belongs to a site of another institution."))


def _check_point(lon, lat) -> None:
    if (lon is None) != (lat is None) or (lon is not None and not valid_point(lon, lat)):
        raise ValidationError({"location": [_("The phone's location is not valid.")]})


def record_scan(
    *,
    guard: Guard,
    code: str = "",
    nfc_tag: str = "",
    lon: float | None = None,
    lat: float | None = None,
    now: datetime | None = None,
) -> TourScan:
    """Record a guard's scan of a checkpoint, flagged late, out of order or too far; raise
    ValidationError with a Persian message, recording nothing, for a code that is not genuine
    and current, a checkpoint of another institution or no tour under way."""
    now = now or timezone.now()
    _check_point(lon, lat)
    checkpoint, method = _checkpoint_of(code=code, nfc_tag=nfc_tag, now=now)
    _check_guard(guard, checkpoint)
    stop, start = _stop_and_start(checkpoint, now)
    plan = stop.plan
    with transaction.atomic():
        tour_round, _created = TourRound.objects.select_for_update().get_or_create(
            plan=plan, starts_at=start, defaults={"guard": guard}
        )
        if tour_round.closed_at is not None:
            raise _refuse(_("This round of the tour is already closed."))
        done = list(tour_round.scans.values_list("stop__order", flat=True))
        if stop.order in done:
            raise _refuse(_("This checkpoint was already scanned in this round."))
        verdict = tour_rules.judge(
            due=start + timedelta(minutes=stop.minutes_after_start),
            at=now,
            order=stop.order,
            scanned_orders=done,
            distance_m=_distance_m(checkpoint, lon, lat),
            tolerance=timedelta(minutes=plan.tolerance_minutes),
            max_distance_m=plan.max_distance_m,
        )
        try:
            with transaction.atomic():
                scan = TourScan.objects.create(
                    round=tour_round,
                    stop=stop,
                    guard=guard,
                    scanned_at=now,
                    method=method,
                    lon=lon,
                    lat=lat,
                    distance_m=verdict.distance_m,
                    minutes_late=verdict.minutes_late,
                    out_of_order=verdict.out_of_order,
                    too_far=verdict.too_far,
                )
        except IntegrityError as error:
            raise _refuse(_("This checkpoint was already scanned in this round.")) from error
        audit.record(
            "security_firms.tour_scanned",
            obj=scan,
            detail={"guard": guard.pk, "checkpoint": checkpoint.pk, "flags": flags_of(scan)},
        )
    return scan


def flags_of(scan: TourScan) -> list[str]:
    flags = []
    if scan.minutes_late:
        flags.append("late")
    if scan.out_of_order:
        flags.append("out_of_order")
    if scan.too_far:
        flags.append("too_far")
    return flags


def scan_messages(scan: TourScan) -> list[str]:
    """What the guard (and the report) is told of a scan's flags, in plain words."""
    messages = []
    if scan.minutes_late:
        messages.append(
            _("Late: %(minutes)s minutes after the expected time.")
            % {"minutes": digits(scan.minutes_late)}
        )
    if scan.out_of_order:
        messages.append(_("Out of order: a later checkpoint of the plan was scanned first."))
    if scan.too_far:
        messages.append(
            _("Too far: the phone was %(metres)s metres from the checkpoint.")
            % {"metres": digits(scan.distance_m)}
        )
    return messages


def close_due_rounds(*, now: datetime | None = None, since: timedelta = timedelta(days=1)) -> int:
    """Close every round of an active plan that ended (its last stop due plus the tolerance),
    writing its missed stops; a round nobody scanned is created closed, every stop missed."""
    now = now or timezone.now()
    closed = 0
    for plan in TourPlan.objects.filter(is_active=True).prefetch_related("stops"):
        orders = [s.order for s in plan.stops.all()]
        end_after = plan_length(plan) + timedelta(minutes=plan.tolerance_minutes)
        times = tour_rules.parse_start_times(plan.start_times)
        for start in tour_rules.starts_between(times, now - since, now - end_after):
            closed += _close(plan, start, orders, now)
    return closed


def _close(plan: TourPlan, start: datetime, orders: list[int], now: datetime) -> int:
    with transaction.atomic():
        tour_round, _created = TourRound.objects.select_for_update().get_or_create(
            plan=plan, starts_at=start
        )
        if tour_round.closed_at is not None:
            return 0
        done = tour_round.scans.values_list("stop__order", flat=True)
        tour_round.missed_orders = tour_rules.missed(orders, done)
        tour_round.closed_at = now
        tour_round.save(update_fields=["missed_orders", "closed_at"])
        audit.record(
            "security_firms.tour_closed",
            obj=tour_round,
            detail={"plan": plan.pk, "missed": tour_round.missed_orders},
        )
    return 1


@dataclass(frozen=True)
class StopLine:
    """One stop of a round as the report shows it."""

    stop: TourStop
    due: datetime
    scan: TourScan | None
    missed: bool
    messages: list[str]


@dataclass(frozen=True)
class RoundReport:
    round: TourRound
    lines: list[StopLine]
    missed: int
    flagged: int


def round_report(tour_round: TourRound) -> RoundReport:
    scans = {s.stop_id: s for s in tour_round.scans.all()}
    lines = []
    for stop in tour_round.plan.stops.all():
        scan = scans.get(stop.pk)
        lines.append(
            StopLine(
                stop=stop,
                due=tour_round.starts_at + timedelta(minutes=stop.minutes_after_start),
                scan=scan,
                missed=stop.order in tour_round.missed_orders,
                messages=scan_messages(scan) if scan else [],
            )
        )
    return RoundReport(
        round=tour_round,
        lines=lines,
        missed=len(tour_round.missed_orders),
        flagged=sum(1 for s in scans.values() if flags_of(s)),
    )


def site_rounds(site: ContractSite, *, limit: int = 30) -> list[RoundReport]:
    """The latest rounds of a site's plans, newest first (the caller checked who may see)."""
    rounds = (
        TourRound.objects.filter(plan__site=site)
        .select_related("plan", "guard")
        .prefetch_related("plan__stops__checkpoint", "scans")
        .order_by("-starts_at")[:limit]
    )
    return [round_report(r) for r in rounds]


# --- Setting up a site's checkpoints and plans (the institution's desk) ----------------------

# A checkpoint further than this from its site's point is a typing mistake, not a checkpoint.
CHECKPOINT_MAX_FROM_SITE_KM = 2.0


def add_checkpoint(
    *, by, site: ContractSite, name: str, kind: str, nfc_tag: str, point: tuple[float, float]
) -> Checkpoint:
    """A new checkpoint of a site; raises ValidationError (by field), storing nothing."""
    name, nfc_tag = normalize_text(name).strip(), nfc_tag.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the checkpoint a name.")]
    if kind not in Checkpoint.Kind.values:
        errors["kind"] = [_("Choose the kind of checkpoint.")]
    elif kind == Checkpoint.Kind.NFC and not nfc_tag:
        errors["nfc_tag"] = [_("Give the id of the NFC tag.")]
    elif nfc_tag and Checkpoint.objects.filter(nfc_tag=nfc_tag).exists():
        errors["nfc_tag"] = [_("Another checkpoint has this NFC tag.")]
    lon, lat = point
    if not valid_point(lon, lat):
        errors["location"] = [_("The checkpoint's location is not valid.")]
    elif haversine_km(lon, lat, site.lon, site.lat) > CHECKPOINT_MAX_FROM_SITE_KM:
        errors["location"] = [_("The checkpoint is more than 2 km from its site.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        checkpoint = Checkpoint.objects.create(
            site=site,
            name=name,
            kind=kind,
            nfc_tag=nfc_tag if kind == Checkpoint.Kind.NFC else "",
            lon=float(lon),
            lat=float(lat),
        )
        audit.record("security_firms.checkpoint_added", actor=by, obj=checkpoint)
    return checkpoint


def add_plan(
    *,
    by,
    site: ContractSite,
    name: str,
    start_times: str,
    tolerance_minutes: int,
    stops: list[tuple[Checkpoint, int]],
) -> TourPlan:
    """A tour plan of a site: its checkpoints in the order of their minutes after the start."""
    name = normalize_text(name).strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the plan a name.")]
    try:
        times = tour_rules.parse_start_times(to_latin_digits(start_times))
    except ValueError:
        errors["start_times"] = [_("Write the start times as 22:00, 02:00.")]
    if not stops:
        errors["stops"] = [_("Give at least one checkpoint a time.")]
    elif any(c.site_id != site.pk for c, _minutes in stops):
        errors["stops"] = [_("Every checkpoint of the plan must be of this site.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = TourPlan.objects.create(
            site=site,
            name=name,
            start_times=", ".join(f"{t:%H:%M}" for t in times),
            tolerance_minutes=tolerance_minutes,
        )
        ordered = sorted(stops, key=lambda stop: stop[1])
        TourStop.objects.bulk_create(
            TourStop(plan=plan, checkpoint=c, order=i, minutes_after_start=m)
            for i, (c, m) in enumerate(ordered, start=1)
        )
        audit.record("security_firms.plan_added", actor=by, obj=plan, detail={"stops": len(stops)})
    return plan
