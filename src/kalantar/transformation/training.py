"""The training-compliance indicator.

Training is counted per officer and plan line, not per record of one table, so it does not
fit `indicators.Indicator`'s one-queryset shape. It offers the same face to the registry
(per_station, for_station, records, figure) and leaves the plan logic to
`people.selectors.training_lines`, the same reading the chief's overdue-training card uses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kalantar.core.periods import Month
from kalantar.org.models import Unit
from kalantar.people.models import User
from kalantar.people.selectors import TrainingLine, officers_for, training_lines


def _station_officers() -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, officer_profile__isnull=False, unit__kind__in=Unit.STATION_KINDS
    )


def _lines(officers: QuerySet[User], period: Month) -> list[TrainingLine]:
    """The plan lines due before the month ended, held or not on its last day."""
    return training_lines(officers, due_before=period.end, on=period.last)


@dataclass(frozen=True)
class TrainingCompliance:
    code: str = "training_compliance"
    name: object = _("Training compliance")
    definition: object = _(
        "Of the training plan lines that applied to the station's current officers (by "
        "role, from the plans of the station and the commands above it) and fell due by the "
        "end of the month, the share whose course the officer held a valid certificate of "
        "on the month's last day."
    )
    unit: str = "percent"
    higher_is_better: bool = True
    is_share: bool = True

    def figure(self, num, den: int) -> float | None:
        return round(100.0 * num / den, 1) if den and num is not None else None

    def _figures(self, lines: list[TrainingLine]) -> dict[int, tuple]:
        held: dict[int, int] = defaultdict(int)
        due: dict[int, int] = defaultdict(int)
        for line in lines:
            due[line.officer.unit_id] += 1
            held[line.officer.unit_id] += line.held
        return {s: (float(held[s]), n, self.figure(held[s], n)) for s, n in due.items()}

    def per_station(self, period: Month, stations: Iterable[int] | None = None) -> dict:
        """{station id: (held, due, value)} for every station with plan lines due."""
        officers = _station_officers()
        if stations is not None:
            officers = officers.filter(unit_id__in=list(stations))
        return self._figures(_lines(officers, period))

    def for_station(self, period: Month, station_id: int) -> tuple:
        figures = self._figures(_lines(_station_officers().filter(unit_id=station_id), period))
        return figures.get(station_id, (None, 0, None))

    def records(self, user, period: Month, station_id: int) -> list[TrainingLine]:
        """The plan lines behind the figure, of the officers whose records `user` reads."""
        officers = officers_for(user).filter(unit_id=station_id, is_active=True)
        lines = _lines(officers, period)
        return sorted(lines, key=lambda line: (line.held, line.due_on, line.officer.username))


TRAINING_COMPLIANCE = TrainingCompliance()
