from django.db import models
from django.utils.translation import gettext_lazy as _

from kalantar.org.provinces import province_field


class ClosedIncidentCount(models.Model):
    """Closed incidents per station, Jalali month, category and H3 resolution-7 cell.

    The public statistics read this rollup instead of the incidents themselves: a
    province's month is a few thousand of these rows rather than up to a million incidents.
    (A Gregorian month, asked for in the CSV, is counted from the incidents.)
    Kept current by `portal.rollup`, a projection every write of incidents calls in its
    transaction (`incidents.projection`); the incidents table stays the truth.
    """

    # Indexed by the unique (station, month, category, cell) index, which leads with it.
    station = models.ForeignKey(
        "org.Unit",
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    province = province_field()  # the station's: the partition key, as the incidents'
    month = models.DateField(_("month"), help_text=_("First day of the Jalali month."))
    category = models.CharField(_("category"), max_length=40)
    cell = models.CharField(_("H3 cell (resolution 7)"), max_length=16)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("closed-incident count")
        verbose_name_plural = _("closed-incident counts")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "month", "category", "cell"], name="portal_closed_count_unique"
            )
        ]
        indexes = [models.Index(fields=["month", "station"], name="portal_closed_month_station")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.month} {self.category} {self.cell}: {self.count}"
