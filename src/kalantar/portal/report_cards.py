"""The public report card of a station, county or province for a Jalali quarter (no login):
satisfaction after closed cases and the 197 line's volumes, published under the portal's
disclosure rules (portal.disclosure): counts rounded, "fewer than 5" below 5, means and
rates only from 5 cases or more, and never a record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kalantar.core.jalali import tehran_today
from kalantar.core.persian import to_latin_digits
from kalantar.feedback import selectors as feedback
from kalantar.feedback.models import STAGES
from kalantar.portal import disclosure, stats
from kalantar.portal.transparency import BadRequest, _unit

CLASSES = ("suggestion", "appreciation", "criticism", "complaint")
QUARTERS_LISTED = 4
_QUARTER = re.compile(r"^(\d{4})-([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def code(self) -> str:
        return f"{self.year}-{self.number}"

    @property
    def bounds(self) -> tuple[date, date]:
        return feedback.quarter_bounds(self.year, self.number)

    def before(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )


def complete_quarters(today: date, count: int = QUARTERS_LISTED) -> list[Quarter]:
    """The last `count` quarters that have ended, the latest first."""
    quarter = Quarter(*feedback.current_quarter(today)).before()
    listed = []
    for _i in range(count):
        listed.append(quarter)
        quarter = quarter.before()
    return listed


def _quarter(request: HttpRequest) -> Quarter:
    text = to_latin_digits(request.GET.get("quarter", "")).strip()
    latest = complete_quarters(tehran_today(), 1)[0]
    if not text:
        return latest
    match = _QUARTER.match(text)
    if match is None:
        raise BadRequest(_("Choose a quarter from the list."))
    quarter = Quarter(int(match.group(1)), int(match.group(2)))
    if (quarter.year, quarter.number) > (latest.year, latest.number):
        raise BadRequest(_("This quarter is not over yet: its report card is published after it."))
    return quarter


def publish(figures: dict) -> dict:
    """The card as published: the true figures under the disclosure rules. Pure."""
    answers = figures["answers"]
    volumes = {c: figures["volumes"].get(c, 0) for c in CLASSES}
    total, (by_class,) = disclosure.protect(sum(volumes.values()), [volumes])
    shown = disclosure.enough(answers)
    return {
        "answers": disclosure.publish(answers).as_json(),
        "stages": [
            (label, round(figures["stages"][field], 1) if shown else None)
            for field, label in STAGES
        ],
        "kept_informed": round(100 * figures["informed"] / answers) if shown else None,
        "reconciliation": (
            round(100 * figures["reconciled"] / figures["closed"])
            if disclosure.enough(figures["closed"])
            else None
        ),
        "messages": total.as_json(),
        "by_class": [(c, by_class.get(c, disclosure.publish(0)).as_json()) for c in CLASSES],
    }


@require_GET
def report_card(request: HttpRequest) -> HttpResponse:
    context = {
        "units": stats.public_units(),
        "quarters": complete_quarters(tehran_today()),
        "threshold": disclosure.THRESHOLD,
        "base": disclosure.BASE,
    }
    try:
        unit, quarter = _unit(request), _quarter(request)
    except BadRequest as error:
        context["error"] = str(error)
        return render(request, "portal/transparency/report_card.html", context, status=400)
    start, end = quarter.bounds
    figures = feedback.public_card_figures(unit, start=start, end=end)
    context.update(unit=unit, quarter=quarter, start=start, end=end, card=publish(figures))
    return render(request, "portal/transparency/report_card.html", context)
