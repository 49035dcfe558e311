"""The province column of the large tables (incidents, complaints, evidence items): the
key a national deployment partitions them by, or distributes them by with Citus, so that
doing so moves no data (README, "Sharding by province")."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _


def province_field() -> models.ForeignKey:
    """Filled by the services on every write from the record's station or unit. No index
    of its own: it is a partition key, and every query already narrows by unit path."""
    return models.ForeignKey(
        "org.Unit",
        verbose_name=_("province"),
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )


def fill_provinces(app_label: str, model_name: str, unit_field: str) -> Callable:
    """A migration step that sets the province of existing rows from `unit_field`: one
    UPDATE per province."""

    def fill(apps, schema_editor) -> None:
        unit_model = apps.get_model("org", "Unit")
        model = apps.get_model(app_label, model_name)
        for pk, path in unit_model.objects.filter(kind="province").values_list("pk", "path"):
            model.objects.filter(**{f"{unit_field}__path__startswith": path}).update(province_id=pk)

    return fill
