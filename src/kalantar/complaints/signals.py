"""Named signals of the complaints app: steps of a complaint that other apps follow.

Each is sent by a complaints service inside its own transaction, so a receiver's writes
commit or roll back with the complaint's.
"""

from __future__ import annotations

from django.dispatch import Signal

# A station took the complaint into its work (assigned, or under investigation).
# Arguments: `complaint`, `by` (the user who moved it).
complaint_accepted = Signal()

# A complaint was closed. Arguments: `complaint`, `by` (the user who closed it).
complaint_closed = Signal()
