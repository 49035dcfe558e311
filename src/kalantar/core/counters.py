"""Counts kept beside the rows they count, for pages that must not count the rows on every
view (a composer's preview, a survey's results): one row per key, added to in the same
transaction as the write it counts."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models import F


def add(model: type[models.Model], key: dict, **deltas: int) -> None:
    """Add `deltas` to the row of `model` at `key`, creating it at first use. The key must
    be a unique constraint of the model: two writers creating the same row at once end in
    one row holding both additions."""
    rows = model.objects.filter(**key)
    change = {field: F(field) + delta for field, delta in deltas.items()}
    if rows.update(**change):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **deltas)
    except IntegrityError:
        rows.update(**change)
