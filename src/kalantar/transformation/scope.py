"""Who sees and grades which stations in the programme.

The programme follows the command tree (core.scoping), with one addition: a province's
inspection office stands beside the stations it inspects, not above them, so its
inspectors see and grade the stations of their province.
"""

from __future__ import annotations

from kalantar.core.scoping import scope_root
from kalantar.org.models import Unit


def programme_root(user) -> str | None:
    """The unit path under which `user` sees the programme ("" for the whole country)."""
    root = scope_root(user)
    unit = getattr(user, "unit", None)
    if root and unit is not None and unit.kind == Unit.Kind.INSPECTION and unit.parent_id:
        return unit.parent.path
    return root


def sees(user, unit: Unit) -> bool:
    root = programme_root(user)
    return root is not None and unit.path.startswith(root)


def may_assess(user, station: Unit) -> bool:
    return user.has_perm("transformation.assess_station") and sees(user, station)
