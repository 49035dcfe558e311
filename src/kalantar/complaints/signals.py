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
# A complaint was registered (any channel). Arguments: `complaint`, `by` (the user who
# recorded it, or None for the public form and applications). Followers read the people
# it names from the complaint itself.
complaint_filed = Signal()
# A complaint was closed. Arguments: `complaint`, `by` (the user who closed it).
complaint_closed = Signal()
