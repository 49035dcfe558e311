from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kalantar.core.scoping import ScopedQuerySet
from kalantar.incidents.outcomes import outcome_label
from kalantar.org.provinces import province_field


class IncidentQuerySet(ScopedQuerySet):
    scope_path = "station__path"

    def open(self) -> IncidentQuerySet:
        return self.exclude(status__in=(Incident.Status.CLEARED, Incident.Status.CLOSED))


class Incident(models.Model):
    """Something that happened in a station's jurisdiction (رویداد) and the police response."""

    class Source(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        ALARM = "alarm", _("Alarm")
        CALL_110 = "call_110", _("110 call")
        PATROL = "patrol", _("Patrol-initiated")
        GUARD_REPORT = "guard_report", _("Guard's report")
        IMPORT = "import", _("Imported")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISPATCHED = "dispatched", _("Unit dispatched")
        ON_SCENE = "on_scene", _("Unit on scene")
        CLEARED = "cleared", _("Cleared")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("number"), max_length=20, unique=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    category = models.CharField(_("category"), max_length=40, db_index=True)
    priority = models.PositiveSmallIntegerField(_("priority"), default=3)
    # No index of its own: the (station, day) and (station, status) indexes lead with it.
    station = models.ForeignKey(
        "org.Unit",
        verbose_name=_("station"),
        on_delete=models.PROTECT,
        related_name="incidents",
        db_index=False,
    )
    province = province_field()  # the station's
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    # Not indexed: hotspots group the rows of a station and period, found by (station, day).
    h3_cell = models.CharField(_("H3 cell (resolution 9)"), max_length=16)
    occurred_at = models.DateTimeField(_("occurred"))
    # The Iranian local date of `occurred_at`: the day the incident is counted on.
    day = models.DateField(_("day"))
    received_at = models.DateTimeField(_("received"))
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    on_scene_at = models.DateTimeField(_("on scene"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
    )
    alarm_ref = models.CharField(_("alarm"), max_length=40, blank=True)
    # NULL where none is given (most incidents): unique only where given (see Meta).
    external_id = models.CharField(  # noqa: DJ001
        _("external id"), max_length=100, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-received_at"]
        permissions = [("dispatch_incident", _("Can dispatch patrol units"))]
        indexes = [
            models.Index(fields=["station", "day"]),
            models.Index(fields=["station", "status"]),
        ]
        constraints = [
            # Partial: an index of every row, mostly NULL, looks useless to a query planner
            # once statistics are gathered, and an import's lookup of its ids then scans
            # the whole table.
            models.UniqueConstraint(
                fields=["external_id"],
                condition=models.Q(external_id__isnull=False),
                name="incident_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.outcome)


class PatrolUnitQuerySet(ScopedQuerySet):
    scope_path = "station__path"


class PatrolUnit(models.Model):
    """A patrol (گشت) of a station: a car, a motorbike, officers on foot or a camera car."""

    class Kind(models.TextChoices):
        CAR = "car", _("Patrol car")
        MOTORBIKE = "motorbike", _("Motorbike")
        FOOT = "foot", _("On foot")
        CAMERA_CAR = "camera_car", _("Camera car")

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        DISPATCHED = "dispatched", _("Dispatched")
        ON_SCENE = "on_scene", _("On scene")
        OFF_DUTY = "off_duty", _("Off duty")

    station = models.ForeignKey(
        "org.Unit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="patrols"
    )
    call_sign = models.CharField(_("call sign"), max_length=30)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CAR)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.AVAILABLE
    )
    last_lon = models.FloatField(_("last longitude"), null=True, blank=True)
    last_lat = models.FloatField(_("last latitude"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    # The officers who ride with the unit on its shift: their body cameras go with it.
    crew = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("crew"), blank=True, related_name="patrol_units"
    )

    objects = PatrolUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol unit")
        verbose_name_plural = _("patrol units")
        ordering = ["station", "call_sign"]
        constraints = [
            models.UniqueConstraint(fields=["station", "call_sign"], name="patrol_call_sign_unique")
        ]

    def __str__(self) -> str:
        return self.call_sign


class DispatchQuerySet(ScopedQuerySet):
    scope_path = "incident__station__path"


class Dispatch(models.Model):
    """One unit sent to one incident, with its own times."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="dispatches"
    )
    unit = models.ForeignKey(
        PatrolUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="dispatches"
    )
    dispatched_at = models.DateTimeField(_("dispatched"))
    on_scene_at = models.DateTimeField(_("on scene"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["-dispatched_at"]

    def __str__(self) -> str:
        return f"{self.unit} → {self.incident}"


class DailyCountQuerySet(ScopedQuerySet):
    scope_path = "station__path"


class DailyCount(models.Model):
    """Incidents per station, category and Iranian local day, kept current on every write
    (`incidents.projection`).

    Analytics read these few rows instead of scanning the incident table.
    """

    # No index of its own: the unique (station, category, day) index leads with it, and a
    # second one would be one more index write per key every import adds.
    station = models.ForeignKey(
        "org.Unit",
        verbose_name=_("station"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    province = province_field()  # the station's
    category = models.CharField(_("category"), max_length=40)
    day = models.DateField(_("day"))
    count = models.IntegerField(_("count"), default=0)

    objects = DailyCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")
        constraints = [
            models.UniqueConstraint(fields=["station", "category", "day"], name="dailycount_unique")
        ]
        indexes = [models.Index(fields=["day", "station"])]

    def __str__(self) -> str:
        return f"{self.station_id} {self.category} {self.day}: {self.count}"


class UnitDailyCountQuerySet(ScopedQuerySet):
    scope_path = "unit__path"


class UnitDailyCount(models.Model):
    """The daily counts summed for each command above the stations (county, province,
    nation), kept current with them, so a province's CompStat reads its own few thousand
    rows instead of every station's."""

    unit = models.ForeignKey(  # indexed by the unique (unit, category, day) index
        "org.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    province = province_field()  # the unit's; none for the nation's sums
    category = models.CharField(_("category"), max_length=40)
    day = models.DateField(_("day"))
    count = models.IntegerField(_("count"), default=0)

    objects = UnitDailyCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily count of a command")
        verbose_name_plural = _("daily counts of commands")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "category", "day"], name="unitdailycount_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.category} {self.day}: {self.count}"
