"""Outcomes of incidents that the system writes itself, shown in the page's language.

Officers type an incident's outcome as free text; the system also closes incidents with a
known outcome (the demo's "handled", an alarm's "real" or "false_user"). Those are stored as
codes and named here, so an English page does not show a Persian word stored at closing time
and a Persian page does not show a code. Other apps register their codes from ready().
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

HANDLED = "handled"

_LABELS: dict[str, object] = {HANDLED: _("Dealt with")}
# What the demo stored before outcomes had codes.
_LEGACY = {"رسیدگی شد": HANDLED}


def register_outcomes(labels: dict[str, object]) -> None:
    """Name more outcome codes ({code: lazy label}); called from an app's ready()."""
    _LABELS.update(labels)


def outcome_label(outcome: str) -> str:
    """The outcome as a reader of this page should see it: a known code's name, else the text."""
    code = _LEGACY.get(outcome, outcome)
    label = _LABELS.get(code)
    return str(label) if label is not None else outcome
