"""Named signals of the incidents app: steps of an incident that other apps follow.

Each is sent by an incidents service inside its own transaction, so a receiver's writes
commit or roll back with the incident's.
"""

from __future__ import annotations

from django.dispatch import Signal

# An incident was recorded (any source). Arguments: `incident`, `by` (the user, or None),
# `named` (national codes of the people the report names, beyond those in its narrative).
incident_opened = Signal()
# An incident was closed. Arguments: `incident`, `by` (the user who closed it, or None).
incident_closed = Signal()
