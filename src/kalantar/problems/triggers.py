"""What started a project, in words. Pure: no database."""

from __future__ import annotations

from django.utils.translation import gettext as _


def alert_trigger(alert) -> str:
    """What a surge alert says of itself, in the active language."""
    return _(
        "Surge alert: %(current)s in the 28 days to its day against a usual %(mean).1f "
        "(z = %(z).2f)."
    ) % {"current": alert.current, "mean": alert.baseline_mean, "z": alert.z}
