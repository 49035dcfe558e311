"""Template helpers for analytics pages."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from kalantar.incidents import categories

register = template.Library()


@register.simple_tag
def problem_link(alert) -> str:
    """The URL that starts a problem-solving project from an alert, when that page exists."""
    try:
        return f"{reverse('problems:new')}?alert={alert.pk}"
    except NoReverseMatch:
        return ""


@register.filter
def category_label(code: str) -> str:
    return categories.label(code)


@register.filter
def signed(value) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    text = f"{number:+.0f}" if float(number).is_integer() else f"{number:+.1f}"
    return text
