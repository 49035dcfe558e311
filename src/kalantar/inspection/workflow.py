"""The steps of an inspection case, with each step's deadline and what a citizen is told.

Pure: no database. The services check every move against these tables.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

RECEIVED = "received"
PRELIMINARY = "preliminary"
INVESTIGATION = "investigation"
FINDING = "finding"
MEASURES = "measures"
CLOSED = "closed"

STATUS_CHOICES = [
    (RECEIVED, _("Received")),
    (PRELIMINARY, _("Preliminary review")),
    (INVESTIGATION, _("Investigation")),
    (FINDING, _("Finding")),
    (MEASURES, _("Measures")),
    (CLOSED, _("Closed")),
]
ORDER = [code for code, _label in STATUS_CHOICES]
OPEN_STATUSES = tuple(ORDER[:-1])

# The time each step may take, from the moment the case enters it.
STEP_DAYS = {RECEIVED: 2, PRELIMINARY: 7, INVESTIGATION: 30, FINDING: 7, MEASURES: 14}

# The moves an inspector makes by a plain "next step" (finding and measures carry more).
PLAIN_NEXT = {RECEIVED: PRELIMINARY, PRELIMINARY: INVESTIGATION, MEASURES: CLOSED}

SUBSTANTIATED = "substantiated"
NOT_SUBSTANTIATED = "not_substantiated"
EXONERATED = "exonerated"
UNFOUNDED = "unfounded"
FINDING_CHOICES = [
    (SUBSTANTIATED, _("Substantiated")),
    (NOT_SUBSTANTIATED, _("Not substantiated")),
    (EXONERATED, _("Exonerated")),
    (UNFOUNDED, _("Unfounded")),
]

MEASURE_CHOICES = [
    ("training", _("Training")),
    ("warning", _("Warning")),
    ("transfer", _("Transfer")),
    ("board", _("Referral to the disciplinary board")),
    ("none", _("No measure")),
]

# What the complainant reads at each public step, in plain words.
CITIZEN_STEP = {
    RECEIVED: _("The province's inspection office received your complaint about conduct."),
    PRELIMINARY: _("An inspector is reviewing your complaint."),
    INVESTIGATION: _("The inspection office is investigating what happened."),
    FINDING: _("The investigation has reached its finding."),
    MEASURES: _("The inspection office is deciding what follows from the finding."),
    CLOSED: _("The inspection of your complaint is finished."),
}

CITIZEN_OUTCOME = {
    SUBSTANTIATED: _(
        "Your complaint was found to be right. The officer's conduct broke the rules and "
        "the inspection office has taken action."
    ),
    NOT_SUBSTANTIATED: _(
        "The inspection could not find enough evidence to show what happened, either way."
    ),
    EXONERATED: _(
        "What you described did happen, but the inspection found the officer acted within "
        "the law and the rules."
    ),
    UNFOUNDED: _("The inspection found that what the complaint described did not happen."),
}


def due_after(status: str, start):
    """When a case entering `status` at `start` is due to leave it (None once closed)."""
    days = STEP_DAYS.get(status)
    return None if days is None else start + timedelta(days=days)
