"""Template helpers for problem-solving pages: statuses shown without naming them."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template

from kalantar.problems.models import Problem, Referral

register = template.Library()

_REFERRAL_BADGES = {
    Referral.Status.OVERDUE: "bg-danger",
    Referral.Status.DONE: "bg-success",
    Referral.Status.DECLINED: "bg-dark",
}


@register.filter
def referral_badge(status: str) -> str:
    """The badge colour of a referral status (waiting ones share one)."""
    return _REFERRAL_BADGES.get(status, "bg-info text-dark")


@register.filter
def stage_badge(stage: str) -> str:
    return "bg-secondary" if stage == Problem.Stage.CLOSED else "bg-primary"


@register.simple_tag
def lead_query(lead) -> str:
    """The new-project page's address query that opens a project for a lead's place."""
    return urlencode({"cell": lead.cell, "title": lead.title[:200], "trigger": lead.trigger})
