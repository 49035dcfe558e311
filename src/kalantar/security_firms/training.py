"""Training deadlines on the California pattern: hours before the first deployment, more
within 30 days and within 6 months of it, then a yearly refresher. Pure: no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Policy:
    before_deployment: int = 8
    within_30_days: int = 16
    within_6_months: int = 16
    yearly: int = 8


@dataclass(frozen=True)
class Step:
    """One deadline: by `due` (None: before the first deployment) `hours` in all."""

    label: object
    due: date | None
    hours: Decimal
    done: Decimal

    @property
    def met(self) -> bool:
        return self.done >= self.hours

    @property
    def done_shown(self) -> Decimal | int:
        return shown(self.done)

    @property
    def hours_shown(self) -> Decimal | int:
        return shown(self.hours)


def shown(hours: Decimal) -> Decimal | int:
    """Whole hours without a trailing ".0"."""
    return int(hours) if hours == int(hours) else hours


@dataclass(frozen=True)
class Standing:
    steps: tuple[Step, ...]
    overdue: tuple[Step, ...]

    @property
    def ok(self) -> bool:
        return not self.overdue

    @property
    def next_due(self) -> Step | None:
        pending = [s for s in self.steps if not s.met and s.due is not None]
        return min(pending, key=lambda s: s.due) if pending else None


def _hours_until(records: list[tuple[date, Decimal]], end: date) -> Decimal:
    return sum((h for d, h in records if d <= end), Decimal(0))


def _initial_steps(policy: Policy, records, deployed: date) -> list[Step]:
    first = Decimal(policy.before_deployment)
    by_30 = first + policy.within_30_days
    by_6m = by_30 + policy.within_6_months
    d30, d6m = deployed + timedelta(days=30), deployed + timedelta(days=182)
    return [
        Step(_("Before first deployment"), deployed, first, _hours_until(records, deployed)),
        Step(_("Within 30 days"), d30, by_30, _hours_until(records, d30)),
        Step(_("Within 6 months"), d6m, by_6m, _hours_until(records, d6m)),
    ]


def _refresher(policy: Policy, records, deployed: date, on: date) -> Step | None:
    """The refresher of the training year `on` falls in (none in the first year)."""
    years = (on - deployed).days // 365
    if years < 1:
        return None
    due = deployed + YEAR * (years + 1)
    start = due - YEAR
    done = sum((h for d, h in records if start < d <= on), Decimal(0))
    # The year just ended must have had its refresher too.
    last_start = start - YEAR
    done_last = sum((h for d, h in records if last_start < d <= start), Decimal(0))
    if years >= 2 and done_last < policy.yearly:
        return Step(_("Yearly refresher"), start, Decimal(policy.yearly), done_last)
    return Step(_("Yearly refresher"), due, Decimal(policy.yearly), done)


def standing(
    policy: Policy, trainings: Iterable[tuple[date, Decimal]], deployed: date | None, on: date
) -> Standing:
    """Where a guard stands on `on`. `deployed` is the first day at a post (None: never; the
    hours before deployment are then owed before the first shift, dated `on`)."""
    records = sorted((d, Decimal(h)) for d, h in trainings)
    start = deployed or on
    steps = _initial_steps(policy, records, start)
    refresher = _refresher(policy, records, start, on)
    if refresher is not None:
        steps.append(refresher)
    # A step is overdue when its deadline has come and its hours were not done by then; the
    # first one is owed on the day of deployment itself.
    overdue = tuple(s for s in steps if not s.met and s.due is not None and s.due <= on)
    return Standing(steps=tuple(steps), overdue=overdue)
