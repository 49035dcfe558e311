"""Named signals of the incidents app: steps of an incident that other apps follow.

Each is sent by an incidents service inside its own transaction.
"""

from __future__ import annotations

from django.dispatch import Signal

# An incident was closed. Arguments: `incident`, `by` (the user who closed it, or None).
incident_closed = Signal()
