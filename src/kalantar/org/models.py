from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kalantar.core.scoping import ScopedQuerySet


class UnitQuerySet(ScopedQuerySet):
    scope_path = "path"

    def stations(self) -> UnitQuerySet:
        return self.filter(kind__in=Unit.STATION_KINDS)

    def commands(self) -> UnitQuerySet:
        return self.filter(kind__in=(Unit.Kind.NATIONAL, Unit.Kind.PROVINCE, Unit.Kind.COUNTY))


class Unit(models.Model):
    """A node of the command hierarchy: national → province → county → station/outpost.

    One table for every level keeps "this unit and everything below it" a single prefix
    query on `path`, which is how every record in Kalantar is scoped to its users.
    """

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National command")
        PROVINCE = "province", _("Provincial command")
        COUNTY = "county", _("County command")
        KALANTARI = "kalantari", _("Police station")
        PASGAH = "pasgah", _("Police outpost")
        INSPECTION = "inspection", _("Inspection office")

    STATION_KINDS = (Kind.KALANTARI, Kind.PASGAH)
    # Which kind of unit may stand under which.
    PARENT_KINDS = {
        Kind.NATIONAL: (),
        Kind.PROVINCE: (Kind.NATIONAL,),
        Kind.COUNTY: (Kind.PROVINCE,),
        Kind.KALANTARI: (Kind.COUNTY,),
        Kind.PASGAH: (Kind.COUNTY,),
        # A province's inspection office answers to the province, never to a station.
        Kind.INSPECTION: (Kind.PROVINCE,),
    }

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=400, db_index=True, editable=False)
    hq_lon = models.FloatField(_("headquarters longitude"), null=True, blank=True)
    hq_lat = models.FloatField(_("headquarters latitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """Keep `path` (and the paths of every unit below) in step with `parent`."""
        old_path, self.path = self.path, self.compute_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            below = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk))
            for unit in below:
                unit.path = self.path + unit.path[len(old_path) :]
            Unit.objects.bulk_update(below, ["path"])

    @property
    def is_station(self) -> bool:
        return self.kind in self.STATION_KINDS

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"

    def province(self) -> Unit | None:
        """The provincial command this unit stands under (or is)."""
        if self.kind == self.Kind.PROVINCE:
            return self
        codes = self.path.strip("/").split("/")
        return Unit.objects.filter(code__in=codes, kind=self.Kind.PROVINCE).first()

    def ancestors(self) -> list[Unit]:
        codes = [c for c in self.path.strip("/").split("/") if c and c != self.code]
        by_code = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        return [by_code[c] for c in codes if c in by_code]


class Jurisdiction(models.Model):
    """The area (حوزه استحفاظی) a station or outpost answers for, as GeoJSON in lon/lat."""

    unit = models.OneToOneField(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="jurisdiction"
    )
    geometry = models.JSONField(_("geometry"))
    area_km2 = models.FloatField(_("area (km²)"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        permissions = [("import_jurisdictions", _("Can import jurisdictions"))]

    def __str__(self) -> str:
        return str(self.unit)
