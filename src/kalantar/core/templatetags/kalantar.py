"""Display filters used across the UI: digits, Jalali dates and numbers in the active language.

Persian pages show Persian digits and month names; English pages Latin digits and
transliterated month names. Every filter shows "—" for a missing value (None or "").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from kalantar.core import extensions
from kalantar.core.jalali import (
    MONTHS_EN,
    MONTHS_FA,
    WEEKDAYS_EN,
    WEEKDAYS_FA,
    display_date,
    display_datetime,
)
from kalantar.core.persian import (
    MISSING,
    active_digits,
    format_number,
    localized_name,
    to_latin_digits,
)
from kalantar.core.persian import digits as active_language_digits

register = template.Library()


def _missing(value: object) -> bool:
    return value is None or value == ""


@register.filter(is_safe=True)
def digits(value: object) -> str:
    """The value as text with Persian digits on Persian pages, Latin digits otherwise."""
    return active_language_digits(value)


@register.filter(is_safe=True)
def jdate(value: date | datetime | None, style: str = "short") -> str:
    """A Jalali date: ``{{ d|jdate }}`` ۱۴۰۳/۰۷/۱۵, ``{{ d|jdate:"long" }}`` ۱۵ مهر ۱۴۰۳.

    ``"full"`` adds the weekday. A datetime shows its day in Tehran.
    """
    return display_date(value, style)


@register.filter(is_safe=True)
def jdatetime(value: datetime | None, style: str = "short") -> str:
    """A Jalali date and time in Tehran: ۱۴۰۳/۰۷/۱۵ ۱۴:۳۰, or ``"long"`` ۱۵ مهر ۱۴۰۳، ۱۴:۳۰."""
    return display_datetime(value, style)


@register.filter(is_safe=True)
def number(value: object, decimals: int | str | None = None) -> str:
    """A grouped number: ``{{ n|number }}`` ۱۲٬۳۴۵, ``{{ x|number:1 }}`` ۳۴٫۸ (one decimal)."""
    if _missing(value):
        return MISSING
    try:
        places = None if decimals in (None, "") else int(decimals)
    except (TypeError, ValueError):
        places = None
    if isinstance(value, str):
        try:
            text = to_latin_digits(value).strip().replace("\u066b", ".")
            value = Decimal(text.replace(",", "").replace("\u066c", ""))
        except InvalidOperation:
            return value
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    return format_number(value, digits=active_digits(), decimals=places)


@register.filter
def unit_name(unit: object) -> str:
    """A unit's name in the active language: the English name in English where there is one."""
    return localized_name(unit)


@register.filter
def localized(obj: object, field: str = "name") -> str:
    """``{{ category|localized }}``: `name` or, on English pages where there is one,
    `name_en`; ``{{ row|localized:"agency" }}`` reads `agency` and `agency_en`."""
    return localized_name(obj, field)


@register.simple_tag
def picker_names(kind: str) -> str:
    """Jalali month or weekday names for the date picker, comma-separated, in the active language.

    The picker's built-in names are Persian only; English pages give it transliterations.
    """
    fa = active_digits() == "fa"
    if kind == "months":
        return ",".join(MONTHS_FA if fa else MONTHS_EN)
    return ",".join(name[0] if fa else name[:2] for name in (WEEKDAYS_FA if fa else WEEKDAYS_EN))


@register.simple_tag(takes_context=True)
def record_panels(context, record) -> str:
    """``{% record_panels incident %}``: the parts other apps add to this record's page
    (core.extensions.add_record_panel)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    parts = [
        render_to_string(name, {"panel": panel, "record": record}, request)
        for name, panel in extensions.record_panels(user, record)
    ]
    return mark_safe("".join(parts))
