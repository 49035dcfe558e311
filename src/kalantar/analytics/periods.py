"""The periods an analysis may cover: the same rule and the same Persian message on every
analytics page and API (a day to come has no incidents yet, and comparing it with the
past shows "significant" drops that are not there)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

# Longer periods than this are refused rather than computed over decades of cells.
MAX_PERIOD_DAYS = 5 * 366


def day_error(day: date, *, today: date) -> str | None:
    """Why `day` cannot be analysed, or None."""
    if day > today:
        return _("The day cannot be in the future: there are no incidents to count yet.")
    return None


def period_error(start: date, end: date, *, today: date) -> str | None:
    """Why start…end cannot be analysed, or None."""
    if end < start:
        return _("The end of the period is before its start.")
    if (error := day_error(end, today=today)) is not None:
        return error
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        return _("The period is longer than five years; choose a shorter one.")
    return None
