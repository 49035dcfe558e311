"""Data scoping: the one place that decides which records a user may see.

A user belongs to one unit and sees the records of that unit and of every unit below
it. Every model whose rows belong to a unit uses `ScopedQuerySet` (or a subclass naming
the path to its unit), and every view, API endpoint and selector starts from
`Model.objects.visible_to(user)`.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.http import Http404

T = TypeVar("T")


def scope_root(user) -> str | None:
    """The unit path under which `user` sees everything; "" means the whole country."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    unit = getattr(user, "unit", None)
    return unit.path if unit is not None else None


class ScopedQuerySet(models.QuerySet):
    # Lookup path from the model to its unit's materialised path.
    scope_path = "unit__path"

    def visible_to(self, user) -> ScopedQuerySet:
        root = scope_root(user)
        if root is None:
            return self.none()
        if root == "":
            return self.all()
        return self.filter(**{f"{self.scope_path}__startswith": root})


def get_visible_or_404(queryset: ScopedQuerySet, user, **lookup) -> models.Model:
    """Fetch one record the user may see; a record outside their scope is simply not found."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc


def found_or_404(record: T | None) -> T:
    """A selector's answer, or 404 when it found nothing the user may see (a record of
    another unit and a record that does not exist answer alike)."""
    if record is None:
        raise Http404
    return record


def can_see_unit(user, unit) -> bool:
    root = scope_root(user)
    return root is not None and unit.path.startswith(root)
