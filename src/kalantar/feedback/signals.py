"""Named signals of the feedback app, for the apps above it (inspection).

Sent by feedback's services inside their own transaction, so a receiver's writes commit or
roll back with the message's.
"""

from __future__ import annotations

from django.dispatch import Signal

# A 197 complaint or criticism of an officer's conduct was confirmed: inspection's to
# handle, never the officer's station. Arguments: `message` (a FeedbackMessage), `by`.
conduct_reported = Signal()
