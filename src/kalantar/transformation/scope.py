"""Who sees and grades which stations in the programme.

The programme follows the command tree (core.scoping), with one addition: a province's
inspection office stands beside the stations it inspects, not above them, so its
inspectors see and grade the stations of their province.
"""

from __future__ import annotations

from kalantar.org.models import Unit
from kalantar.people.scoping import inspection_root


def sees(user, unit: Unit) -> bool:
    root = inspection_root(user)
    return root is not None and unit.path.startswith(root)


def may_assess(user, station: Unit) -> bool:
    return user.has_perm("transformation.assess_station") and sees(user, station)
