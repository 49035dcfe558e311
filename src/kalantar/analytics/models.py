from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kalantar.core.scoping import ScopedQuerySet


class SurgeAlertQuerySet(ScopedQuerySet):
    scope_path = "station__path"

    def open(self) -> SurgeAlertQuerySet:
        return self.filter(status=SurgeAlert.Status.OPEN)


class SurgeAlert(models.Model):
    """A significant rise of one category at one station over its own baseline (هشدار افزایش)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        PROJECT_OPENED = "project_opened", _("Problem-solving project opened")

    station = models.ForeignKey(
        "org.Unit", verbose_name=_("station"), on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("category"), max_length=40)
    # The last day of the 28-day window tested.
    day = models.DateField(_("day"))
    current = models.PositiveIntegerField(_("count in the last 28 days"))
    baseline_mean = models.FloatField(_("baseline mean per 28 days"))
    z = models.FloatField(_("z-score"))
    p = models.FloatField(_("p-value"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SurgeAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("surge alert")
        verbose_name_plural = _("surge alerts")
        ordering = ["-day", "-z"]
        permissions = [("view_analytics", _("Can view CompStat, hotspots and surges"))]
        constraints = [
            models.UniqueConstraint(fields=["station", "category", "day"], name="surgealert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.category} {self.day}"
