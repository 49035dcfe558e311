"""How far an inspector's work reaches in the command tree.

Everyone sees their own unit and the units below it (core.scoping). A province's
inspection office is the one exception: it stands beside the stations it inspects, not
above them, so its staff reach the whole province: its officers' records, its stations'
cases and the programme's stations.
"""

from __future__ import annotations

from kalantar.core.scoping import scope_root
from kalantar.org.models import Unit


def inspection_root(user) -> str | None:
    """The unit path under which `user` works ("" for the whole country, None for
    nowhere): the province for an inspection office's staff, their own scope otherwise."""
    root = scope_root(user)
    unit = getattr(user, "unit", None)
    if root and unit is not None and unit.kind == Unit.Kind.INSPECTION and unit.parent_id:
        return unit.parent.path
    return root
