"""Named signals of the complaints app: steps of a complaint that other apps follow.

Each is sent by a complaints service inside its own transaction, so a receiver's writes
commit or roll back with the complaint's.
"""

from __future__ import annotations

from django.dispatch import Signal

# A station took the complaint into its work (assigned, or under investigation).
# Arguments: `complaint`, `by` (the user who moved it).
complaint_accepted = Signal()

# A complaint about an officer's conduct was filed and routed to the province's inspection
# office. Arguments: `complaint`, `by` (who filed it: a desk officer, or None online).
conduct_complaint_filed = Signal()
