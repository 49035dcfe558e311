"""How the programme's figures read: a value with its unit, or "not enough data"."""

from __future__ import annotations

import jdatetime
from django import template
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kalantar.core.jalali import month_name
from kalantar.core.periods import jalali_month_of
from kalantar.core.persian import active_digits, format_number
from kalantar.transformation import indicators

register = template.Library()


@register.filter
def figure(value: float | None, unit: str) -> str:
    """85.0, "percent" → ۸۵٪; None → not enough data (never zero)."""
    if value is None:
        return _("not enough data")
    text = format_number(value, digits=active_digits(), decimals=1)
    if unit == indicators.PERCENT:
        return f"{text}٪" if active_digits() == "fa" else f"{text}%"
    if unit == indicators.MINUTES:
        return _("%(n)s min") % {"n": text}
    if unit == indicators.HOURS:
        return _("%(n)s h") % {"n": text}
    return _("%(n)s of 5") % {"n": text}


@register.filter
def month_label(day) -> str:
    """The Jalali month a period starts in: آبان ۱۴۰۵."""
    j = jdatetime.date.fromgregorian(date=day)
    lang = "fa" if (get_language() or "fa").startswith("fa") else "en"
    year = format_number(j.year, digits=active_digits(), grouping=False)
    return f"{month_name(j.month, lang)} {year}"


@register.filter
def month_key(day) -> str:
    return jalali_month_of(day).code


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def localized_text(obj) -> str:
    """A framework entry's text in the page's language (its Persian text when untranslated)."""
    english = not (get_language() or "fa").startswith("fa")
    for fa, en in (("text", "text_en"), ("name", "name_en"), ("title", "title_en")):
        if hasattr(obj, fa):
            return (getattr(obj, en, "") if english else "") or getattr(obj, fa)
    return str(obj)


@register.filter
def record_figure(value, indicator: indicators.Indicator) -> str:
    """One record's measure in the indicator's unit (a duration in minutes or hours)."""
    if value is None:
        return _("not enough data")
    return figure(indicator.figure(value, 1), indicator.unit)


@register.filter
def record_url(ref: str) -> str:
    """A linked record's page: a complaint by its tracking code, else an incident."""
    if ref.isdigit():
        return reverse("complaints:detail", args=[ref])
    return reverse("incidents:detail", args=[ref])
