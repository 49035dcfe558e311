"""The live indicators: one definition each, in a registry other apps add to.

An indicator names the records it counts (`base`: a scoped queryset for a period), the
field that gives each record's station, and either a condition (`hit`: the figure is the
share of records meeting it) or an expression averaged over them (`mean`). From that one
definition come the set-based computation for every station (one query grouped by
station), the figure of one station, and the list of records behind a figure: the same
logic every time, so they cannot drift apart.

A station with no record for the period has no figure: "not enough data", never zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.db import models
from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from kalantar.alarms.models import Alarm
from kalantar.complaints.models import Complaint
from kalantar.core.periods import Month
from kalantar.evidence.models import IncidentLink
from kalantar.feedback.models import FeedbackMessage, MessageClass, SurveyAnswer
from kalantar.incidents.models import Dispatch, Incident
from kalantar.transformation.training import TRAINING_COMPLIANCE, TrainingCompliance

PERCENT, MINUTES, HOURS, SCORE = "percent", "minutes", "hours", "score"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: object  # lazy translation
    definition: object  # lazy translation: what is counted, over which records
    base: Callable[[Month], models.QuerySet]  # the records of the period (scoped manager)
    station_field: str  # path from a record to its station's id
    unit: str = PERCENT
    hit: Q | None = None  # the share of records meeting it…
    mean: models.Expression | None = None  # …or the average of this over them
    higher_is_better: bool = True
    scale: float = 1.0  # mean's raw value → the unit shown (e.g. seconds → minutes)

    @property
    def is_share(self) -> bool:
        return self.hit is not None

    def aggregates(self) -> dict[str, models.Aggregate]:
        if self.hit is not None:
            return {"den": Count("pk"), "num": Count("pk", filter=self.hit)}
        return {"den": Count("pk"), "num": Avg(self.mean)}

    def figure(self, num, den: int) -> float | None:
        """The shown value from the aggregates; None when there were no records."""
        if not den or num is None:
            return None
        if self.hit is not None:
            return round(100.0 * num / den, 1)
        if isinstance(num, timedelta):
            num = num.total_seconds()
        return round(num / self.scale, 1)

    def raw_numerator(self, num) -> float | None:
        if isinstance(num, timedelta):
            return num.total_seconds()
        return None if num is None else float(num)

    def per_station(self, period: Month, stations: Iterable[int] | None = None) -> dict:
        """{station id: (numerator, denominator, value)} for every station with records."""
        qs = self.base(period)
        if stations is not None:
            qs = qs.filter(**{f"{self.station_field}__in": list(stations)})
        rows = qs.values(self.station_field).order_by().annotate(**self.aggregates())
        return {
            row[self.station_field]: (
                self.raw_numerator(row["num"]),
                row["den"],
                self.figure(row["num"], row["den"]),
            )
            for row in rows
        }

    def for_station(self, period: Month, station_id: int) -> tuple:
        """The figure of one station (numerator, denominator, value)."""
        row = (
            self.base(period)
            .filter(**{self.station_field: station_id})
            .aggregate(**self.aggregates())
        )
        return self.raw_numerator(row["num"]), row["den"], self.figure(row["num"], row["den"])

    def records(self, user, period: Month, station_id: int) -> models.QuerySet:
        """The records behind one station's figure that `user` may see."""
        qs = self.base(period).visible_to(user).filter(**{self.station_field: station_id})
        if self.hit is not None:
            qs = qs.annotate(
                counted=ExpressionWrapper(self.hit, output_field=models.BooleanField())
            )
        else:
            qs = qs.annotate(measured=self.mean)
        return qs


# The registry's entries: one-queryset indicators, and the few that are not (training is
# counted per officer and plan line) with the same methods.
Measure = Indicator | TrainingCompliance

_REGISTRY: dict[str, Measure] = {}


def register(indicator: Measure) -> None:
    """Add an indicator (idempotent by code); other apps call it from their ready()."""
    _REGISTRY[indicator.code] = indicator


def get(code: str) -> Measure | None:
    return _REGISTRY.get(code)


def all_indicators() -> list[Measure]:
    return list(_REGISTRY.values())


def _since(start: str, end: str) -> models.Expression:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _filed(period: Month):
    return Complaint.objects.filter(filed_at__gte=period.start_at, filed_at__lt=period.end_at)


def _first_action_due(period: Month):
    # Complaints whose first-action deadline fell in the month: each is either on time or not.
    return Complaint.objects.filter(
        first_action_due__gte=period.start_at, first_action_due__lt=period.end_at
    )


def _finished(period: Month):
    return Complaint.objects.filter(finished_at__gte=period.start_at, finished_at__lt=period.end_at)


def _acted(period: Month):
    return _filed(period).filter(first_action_at__isnull=False)


def _rated(period: Month):
    return _finished(period).filter(satisfaction__isnull=False)


def _alarms_acknowledged(period: Month):
    return Alarm.objects.filter(
        opened_at__gte=period.start_at, opened_at__lt=period.end_at, acknowledged_at__isnull=False
    )


def _alarms_closed(period: Month):
    return Alarm.objects.filter(
        opened_at__gte=period.start_at, opened_at__lt=period.end_at
    ).exclude(outcome="")


def _attended(period: Month):
    return Incident.objects.filter(
        received_at__gte=period.start_at, received_at__lt=period.end_at, on_scene_at__isnull=False
    )


def _messages_197(period: Month):
    # Conduct reports go to inspection and are never the station's to see, nor counted here.
    return FeedbackMessage.objects.filter(
        received_at__gte=period.start_at, received_at__lt=period.end_at, is_conduct=False
    ).exclude(msg_class="")


def _grievances_closed(period: Month):
    return FeedbackMessage.objects.filter(
        closed_at__gte=period.start_at,
        closed_at__lt=period.end_at,
        is_conduct=False,
        msg_class__in=(MessageClass.CRITICISM, MessageClass.COMPLAINT),
    )


def _survey_answers(period: Month):
    return SurveyAnswer.objects.filter(answered_on__gte=period.start, answered_on__lt=period.end)


def _dispatches(period: Month):
    return Dispatch.objects.filter(
        dispatched_at__gte=period.start_at, dispatched_at__lt=period.end_at
    ).annotate(
        filmed=Exists(
            IncidentLink.objects.filter(
                incident=OuterRef("incident_id"), status=IncidentLink.Status.LINKED
            )
        )
    )


_RECEIPT_CHANNELS = (
    Complaint.Channel.DESK,
    Complaint.Channel.ONLINE,
    Complaint.Channel.OPEN311,
)

BUILT_IN = (
    Indicator(
        "receipts_issued",
        _("Receipts issued for complaints filed"),
        _(
            "Of the complaints filed at the station in the month, the share whose complainant "
            "was handed a receipt: printed or shown on filing at the desk or online, or sent "
            "by text message when a mobile number was given."
        ),
        _filed,
        "unit_id",
        hit=Q(channel__in=_RECEIPT_CHANNELS) | ~Q(mobile=""),
    ),
    Indicator(
        "first_action_on_time",
        _("First action within the deadline"),
        _(
            "Of the complaints whose first-action deadline fell in the month, the share the "
            "station acted on (assigned, investigated or rejected) by that deadline."
        ),
        _first_action_due,
        "unit_id",
        hit=Q(first_action_at__isnull=False, first_action_at__lte=F("first_action_due")),
    ),
    Indicator(
        "hours_to_first_action",
        _("Time to first action"),
        _(
            "The average time, in hours, from filing to the station's first action, over "
            "the complaints filed in the month that have been acted on."
        ),
        _acted,
        "unit_id",
        unit=HOURS,
        mean=_since("filed_at", "first_action_at"),
        higher_is_better=False,
        scale=3600.0,
    ),
    Indicator(
        "closed_on_time",
        _("Complaints finished within the deadline"),
        _(
            "Of the complaints finished (resolved, rejected or sent to the judiciary) in the "
            "month, the share finished by their closure deadline."
        ),
        _finished,
        "unit_id",
        hit=Q(finished_at__lte=F("closure_due")),
    ),
    Indicator(
        "satisfaction",
        _("Complainants' satisfaction"),
        _(
            "The average rating (1 to 5) complainants gave to the complaints finished in the "
            "month, over those that were rated."
        ),
        _rated,
        "unit_id",
        unit=SCORE,
        mean=F("satisfaction"),
    ),
    Indicator(
        "overdue_escalations",
        _("Complaints escalated as overdue"),
        _(
            "Of the complaints filed in the month, the share escalated to a higher command "
            "because a deadline passed. Lower is better."
        ),
        _filed,
        "unit_id",
        hit=Q(escalation_level__gt=0),
        higher_is_better=False,
    ),
    Indicator(
        "alarm_ack_minutes",
        _("Alarm acknowledgement time"),
        _(
            "The average time, in minutes, from an alarm opening to an operator "
            "acknowledging it, over the alarms of the station's subscribers opened in the "
            "month and acknowledged."
        ),
        _alarms_acknowledged,
        "station_id",
        unit=MINUTES,
        mean=_since("opened_at", "acknowledged_at"),
        higher_is_better=False,
        scale=60.0,
    ),
    Indicator(
        "false_alarms",
        _("False alarms"),
        _(
            "Of the alarms opened in the month and closed with an outcome, the share that "
            "were false (user error, technical fault or cancelled with the passcode). Lower "
            "is better."
        ),
        _alarms_closed,
        "station_id",
        hit=Q(outcome__in=Alarm.FALSE_OUTCOMES),
        higher_is_better=False,
    ),
    Indicator(
        "patrol_response_minutes",
        _("Patrol response time"),
        _(
            "The average time, in minutes, from an incident being received to a patrol "
            "reaching the scene, over the incidents received in the month that a patrol "
            "attended."
        ),
        _attended,
        "station_id",
        unit=MINUTES,
        mean=_since("received_at", "on_scene_at"),
        higher_is_better=False,
        scale=60.0,
    ),
    Indicator(
        "bodycam_share",
        _("Dispatches with body-camera footage"),
        _(
            "Of the patrol dispatches in the month, the share whose incident has camera "
            "footage linked to it in the evidence store."
        ),
        _dispatches,
        "incident__station_id",
        hit=Q(filmed=True),
    ),
)

# From the 197 line and the satisfaction survey sent after every closed case.
CITIZENS = (
    Indicator(
        "appreciation_share",
        _("Appreciation among 197 messages"),
        _(
            "Of the 197 messages about the station received in the month and classed by the "
            "operator, the share that were appreciation (conduct reports, which go to "
            "inspection, are left out)."
        ),
        _messages_197,
        "unit_id",
        hit=Q(msg_class=MessageClass.APPRECIATION),
    ),
    Indicator(
        "reconciliation_rate",
        _("197 grievances reconciled"),
        _(
            "Of the criticisms and complaints on the 197 line about the station closed in the "
            "month, the share closed by reconciliation with the caller."
        ),
        _grievances_closed,
        "unit_id",
        hit=Q(outcome=FeedbackMessage.Outcome.RECONCILED),
    ),
    Indicator(
        "survey_whole_experience",
        _("Satisfaction with the whole experience"),
        _(
            "The average answer, from 1 to 5, to the question on the whole experience in the "
            "surveys answered in the month after the station's closed complaints, 197 cases "
            "and incidents."
        ),
        _survey_answers,
        "unit_id",
        unit=SCORE,
        mean=F("whole_experience"),
    ),
    Indicator(
        "survey_kept_informed",
        _("Citizens kept informed"),
        _(
            "The average answer, from 1 to 5, to the question on being kept informed in the "
            "surveys answered in the month after the station's closed cases."
        ),
        _survey_answers,
        "unit_id",
        unit=SCORE,
        mean=F("kept_informed"),
    ),
)

for _indicator in (*BUILT_IN, *CITIZENS, TRAINING_COMPLIANCE):
    register(_indicator)
