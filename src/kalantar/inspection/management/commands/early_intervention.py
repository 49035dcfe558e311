"""Compute the early-intervention figures now: who stands far above their peers, and the
false-flag rate the thresholds give (flags no substantiated finding confirms)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kalantar.inspection import indicators
from kalantar.inspection.early_intervention import flagged


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--open-reviews", action="store_true", help="open the reviews of flagged officers"
        )

    def handle(self, *args, open_reviews: bool = False, **options) -> None:
        figures = indicators.compute()
        flags = flagged(figures)
        for threshold, window in indicators.thresholds():
            self.stdout.write(
                f"{threshold.code}: window {window} days, at least {threshold.min_count}, "
                f"{threshold.z_threshold} SD above peers"
            )
        self.stdout.write(f"officers compared: {len(figures)}, flagged: {len(flags)}")
        total, false_flags, rate = indicators.false_flag_rate()
        shown = "n/a (nobody flagged)" if rate is None else f"{rate:.0%}"
        self.stdout.write(f"false flags: {false_flags} of {total} ({shown})")
        if open_reviews:
            _flagged, opened = indicators.open_reviews()
            self.stdout.write(f"reviews opened: {opened}")
