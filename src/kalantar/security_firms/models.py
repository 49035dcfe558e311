"""Private security institutions (موسسات انتظام), their guards, contract sites and rosters."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kalantar.core.models import HashedSecret, HashedSecretQuerySet, attachment_storage
from kalantar.core.scoping import ScopedQuerySet
from kalantar.core.validators import validate_national_code
from kalantar.security_firms import report_rules


class Activity(models.TextChoices):
    GUARDING = "guarding", _("Guarding")
    ESCORT = "escort", _("Escort")
    CASH_TRANSIT = "cash_transit", _("Cash in transit")
    EVENT_SECURITY = "event_security", _("Event security")
    ALARM_RESPONSE = "alarm_response", _("Alarm response")


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")


def guard_photo_path(instance: Guard, filename: str) -> str:
    # A random name: the photo's address never carries the national code.
    return f"security_firms/photos/{timezone.now():%Y/%m}/{instance.photo_token}.jpg"


class InstitutionQuerySet(ScopedQuerySet):
    scope_path = "province__path"


class Institution(models.Model):
    """A licensed private security institution of a province."""

    licence_number = models.CharField(_("licence number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    # normalize_text of the name: Arabic letter forms and digits folded, for search.
    name_search = models.CharField(max_length=200, db_index=True, editable=False, default="")
    province = models.ForeignKey(
        "org.Unit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "province"},
    )
    head_office_address = models.CharField(_("head office address"), max_length=300, blank=True)
    head_office_phone = models.CharField(_("head office phone"), max_length=20, blank=True)
    head_office_lon = models.FloatField(_("head office longitude"), null=True, blank=True)
    head_office_lat = models.FloatField(_("head office latitude"), null=True, blank=True)
    licence_issued = models.DateField(_("licence issued"))
    licence_expires = models.DateField(_("licence expires"))
    status = models.CharField(
        _("status"), max_length=12, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE
    )
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    activities = models.JSONField(_("activities"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("security institution")
        verbose_name_plural = _("security institutions")
        ordering = ["name"]
        permissions = [("register_security", _("Can keep the register of security guards"))]

    def __str__(self) -> str:
        return self.name


class ManagerQuerySet(ScopedQuerySet):
    scope_path = "institution__province__path"


class Manager(models.Model):
    """One of an institution's managers (managing director, board member, technical head)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="managers",
    )
    name = models.CharField(_("name"), max_length=200)
    national_code = models.CharField(
        _("national code"), max_length=10, validators=[validate_national_code], blank=True
    )
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    objects = ManagerQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution manager")
        verbose_name_plural = _("institution managers")
        ordering = ["institution", "name"]

    def __str__(self) -> str:
        return self.name


class GuardQuerySet(ScopedQuerySet):
    scope_path = "institution__province__path"


class Guard(models.Model):
    """A security guard: an applicant until licensed, then on the register."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")
        REJECTED = "rejected", _("Application rejected")

    national_code = models.CharField(
        _("national code"), max_length=10, unique=True, validators=[validate_national_code]
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    # normalize_text of "first last", for search by name.
    name_search = models.CharField(max_length=210, editable=False, default="")
    # normalize_text of "last first": a search by surname alone is a prefix of this one.
    surname_search = models.CharField(max_length=210, editable=False, default="")
    photo_token = models.CharField(max_length=32, editable=False, default="", blank=True)
    photo = models.FileField(
        _("photo"),
        storage=attachment_storage,
        upload_to=guard_photo_path,
        max_length=200,
        blank=True,
    )
    birth_date = models.DateField(_("date of birth"))
    mobile = models.CharField(_("mobile"), max_length=11, blank=True)
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="guards"
    )
    activities = models.JSONField(_("activities"), default=list, blank=True)
    # Issued with the licence; blank while an applicant.
    licence_number = models.CharField(
        _("licence number"), max_length=20, unique=True, null=True, blank=True
    )
    licence_issued = models.DateField(_("licence issued"), null=True, blank=True)
    licence_expires = models.DateField(_("licence expires"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLICANT
    )
    status_reason = models.CharField(_("reason for the status"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    # The first time the guard stood at a post: the training deadlines count from it.
    first_deployed_on = models.DateField(_("first deployed"), null=True, blank=True)

    objects = GuardQuerySet.as_manager()

    class Meta:
        verbose_name = _("security guard")
        verbose_name_plural = _("security guards")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["status", "licence_expires"]),
            # With the institution, so a search counts its matches in scope from the index
            # alone, without reading each guard's row; and the id, so the index holds the
            # search's whole order (selectors.search_guards) and a page reads its own rows
            # only, however many match (PostgreSQL otherwise sorted every match when it
            # guessed few, e.g. for "surname first name").
            models.Index(fields=["name_search", "institution", "id"], name="guard_name_order"),
            models.Index(
                fields=["surname_search", "institution", "id"], name="guard_surname_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class VettingCheckQuerySet(ScopedQuerySet):
    scope_path = "guard__institution__province__path"


class VettingCheck(models.Model):
    """One step of the selection standard's checklist, with who checked it and when."""

    class Item(models.TextChoices):
        IDENTITY = "identity", _("Identity")
        RECORD_REQUEST = "record_request", _("Criminal-record check requested")
        RECORD_ANSWER = "record_answer", _("Criminal-record check answered")
        HEALTH = "health", _("Health")
        TRAINING = "training", _("Training")
        INTERVIEW = "interview", _("Interview")

    class Result(models.TextChoices):
        PENDING = "pending", _("Pending")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    guard = models.ForeignKey(
        Guard, verbose_name=_("guard"), on_delete=models.CASCADE, related_name="checks"
    )
    item = models.CharField(_("item"), max_length=16, choices=Item.choices)
    result = models.CharField(
        _("result"), max_length=8, choices=Result.choices, default=Result.PENDING
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)

    objects = VettingCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("vetting check")
        verbose_name_plural = _("vetting checks")
        ordering = ["guard", "item"]
        constraints = [
            models.UniqueConstraint(fields=["guard", "item"], name="sf_one_check_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.guard_id}: {self.item}"


class TrainingPolicy(models.Model):
    """Training hours a guard owes, on the California pattern; one row per province, a row
    without a province is the national default."""

    province = models.OneToOneField(
        "org.Unit",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    hours_before_deployment = models.PositiveSmallIntegerField(
        _("hours before first deployment"), default=8
    )
    hours_within_30_days = models.PositiveSmallIntegerField(_("hours within 30 days"), default=16)
    hours_within_6_months = models.PositiveSmallIntegerField(_("hours within 6 months"), default=16)
    yearly_refresher_hours = models.PositiveSmallIntegerField(
        _("yearly refresher hours"), default=8
    )

    class Meta:
        verbose_name = _("training policy")
        verbose_name_plural = _("training policies")

    def __str__(self) -> str:
        return str(self.province or _("National default"))


class TrainingRecordQuerySet(ScopedQuerySet):
    scope_path = "guard__institution__province__path"


class TrainingRecord(models.Model):
    """A course a guard completed: one line of the training ledger."""

    guard = models.ForeignKey(
        Guard, verbose_name=_("guard"), on_delete=models.CASCADE, related_name="trainings"
    )
    course = models.CharField(_("course"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    provider = models.CharField(_("provider"), max_length=200)
    completed_on = models.DateField(_("completed"))
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["guard", "completed_on"]

    def __str__(self) -> str:
        return self.course

    @property
    def hours_shown(self) -> Decimal | int:
        return int(self.hours) if self.hours == int(self.hours) else self.hours


class SiteQuerySet(ScopedQuerySet):
    scope_path = "station__path"


class ContractSite(models.Model):
    """A client's premises an institution guards under contract; its station is the one
    whose jurisdiction holds the location."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=200)
    client = models.CharField(_("client"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    station = models.ForeignKey(
        "org.Unit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    contract_starts = models.DateField(_("contract starts"), null=True, blank=True)
    contract_ends = models.DateField(_("contract ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract site")
        verbose_name_plural = _("contract sites")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PostQuerySet(ScopedQuerySet):
    scope_path = "site__station__path"


class Post(models.Model):
    """A place at a site where a guard stands (gate, lobby, car park)."""

    site = models.ForeignKey(
        ContractSite, verbose_name=_("site"), on_delete=models.CASCADE, related_name="posts"
    )
    name = models.CharField(_("name"), max_length=200)
    activity = models.CharField(
        _("activity"), max_length=16, choices=Activity.choices, default=Activity.GUARDING
    )
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return self.name


class ShiftQuerySet(ScopedQuerySet):
    scope_path = "post__site__station__path"


class Shift(models.Model):
    """A stretch of time a post is to be staffed."""

    post = models.ForeignKey(
        Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    guards_needed = models.PositiveSmallIntegerField(_("guards needed"), default=1)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="sf_shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.starts_at:%Y-%m-%d %H:%M}"


class RosterQuerySet(ScopedQuerySet):
    scope_path = "shift__post__site__station__path"

    def on_roster(self) -> RosterQuerySet:
        return self.filter(removed_at__isnull=True)


class RosterAssignment(models.Model):
    """A guard put on a shift. Taken off (never deleted) when the guard may no longer stand."""

    shift = models.ForeignKey(
        Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="assignments"
    )
    guard = models.ForeignKey(
        Guard, verbose_name=_("guard"), on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    removed_at = models.DateTimeField(_("taken off"), null=True, blank=True)
    removed_reason = models.CharField(_("reason taken off"), max_length=300, blank=True)

    objects = RosterQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster assignment")
        verbose_name_plural = _("roster assignments")
        ordering = ["shift", "guard"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "guard"],
                condition=Q(removed_at__isnull=True),
                name="sf_one_assignment_per_shift",
            )
        ]

    def __str__(self) -> str:
        return f"{self.guard_id} @ {self.shift_id}"


class InstitutionKeyQuerySet(HashedSecretQuerySet):
    def usable(self) -> InstitutionKeyQuerySet:
        return self.filter(revoked_at__isnull=True, institution__status=LicenceStatus.ACTIVE)


class InstitutionKey(HashedSecret):
    """An institution's own API key: it submits its rosters (and guard reports) with it."""

    SECRET_PREFIX = "sfk_"

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="keys"
    )
    name = models.CharField(_("name"), max_length=100)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InstitutionKeyQuerySet.as_manager()

    class Meta(HashedSecret.Meta):
        verbose_name = _("institution API key")
        verbose_name_plural = _("institution API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class NoticeQuerySet(ScopedQuerySet):
    scope_path = "station__path"


class RosterNotice(models.Model):
    """Word to the station and the institution that a guard was taken off a roster."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="+"
    )
    station = models.ForeignKey(
        "org.Unit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    guard = models.ForeignKey(
        Guard, verbose_name=_("guard"), on_delete=models.CASCADE, related_name="notices"
    )
    assignment = models.ForeignKey(
        RosterAssignment, verbose_name=_("roster assignment"), on_delete=models.CASCADE
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("roster notice")
        verbose_name_plural = _("roster notices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.guard_id}: {self.reason}"


# --- Guard tours, reports to the station and reviews on events -----------------------------


class InstitutionStaff(models.Model):
    """A user of an institution's desk: sees that institution's guards' reports, nothing of
    any station."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="security_institution_staff",
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="staff"
    )

    class Meta:
        verbose_name = _("institution desk user")
        verbose_name_plural = _("institution desk users")

    def __str__(self) -> str:
        return f"{self.user} ({self.institution})"


class GuardPhoneQuerySet(HashedSecretQuerySet):
    def usable(self) -> GuardPhoneQuerySet:
        return self.filter(revoked_at__isnull=True, guard__status=Guard.Status.ACTIVE)


class GuardPhone(HashedSecret):
    """A guard's phone: its secret link opens the guard's phone page (tours and reports)."""

    SECRET_PREFIX = "sfp_"

    guard = models.ForeignKey(
        Guard, verbose_name=_("guard"), on_delete=models.CASCADE, related_name="phones"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = GuardPhoneQuerySet.as_manager()

    class Meta(HashedSecret.Meta):
        verbose_name = _("guard's phone")
        verbose_name_plural = _("guards' phones")

    def __str__(self) -> str:
        return f"{self.guard_id} ({self.prefix}…)"


class CheckpointQuerySet(ScopedQuerySet):
    scope_path = "site__station__path"


class Checkpoint(models.Model):
    """A point of a site a guard's tour must pass: a screen with a rotating QR, or an NFC tag."""

    class Kind(models.TextChoices):
        QR = "qr", _("Rotating QR screen")
        NFC = "nfc", _("NFC tag")

    site = models.ForeignKey(
        ContractSite, verbose_name=_("site"), on_delete=models.CASCADE, related_name="checkpoints"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices, default=Kind.QR)
    nfc_tag = models.CharField(_("NFC tag id"), max_length=64, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nfc_tag"], condition=~Q(nfc_tag=""), name="sf_checkpoint_nfc_tag_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TourPlanQuerySet(ScopedQuerySet):
    scope_path = "site__station__path"


class TourPlan(models.Model):
    """The checkpoints of a site in the order a tour passes them, with their expected times."""

    site = models.ForeignKey(
        ContractSite, verbose_name=_("site"), on_delete=models.CASCADE, related_name="tour_plans"
    )
    name = models.CharField(_("name"), max_length=200)
    # Local (Tehran) times at which a round starts each day, e.g. "22:00, 02:00".
    start_times = models.CharField(_("round start times"), max_length=200)
    tolerance_minutes = models.PositiveSmallIntegerField(_("tolerance (minutes)"), default=10)
    max_distance_m = models.PositiveIntegerField(
        _("largest distance from a checkpoint (m)"), default=200
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = TourPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("tour plan")
        verbose_name_plural = _("tour plans")
        ordering = ["site", "name"]

    def __str__(self) -> str:
        return self.name


class TourStop(models.Model):
    """One checkpoint of a plan: its place in the order and when it is due in a round."""

    plan = models.ForeignKey(
        TourPlan, verbose_name=_("tour plan"), on_delete=models.CASCADE, related_name="stops"
    )
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, related_name="stops"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    minutes_after_start = models.PositiveSmallIntegerField(_("due (minutes after the start)"))

    class Meta:
        verbose_name = _("tour stop")
        verbose_name_plural = _("tour stops")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="sf_one_stop_per_order"),
            models.UniqueConstraint(fields=["plan", "checkpoint"], name="sf_checkpoint_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.checkpoint}"


class TourRoundQuerySet(ScopedQuerySet):
    scope_path = "plan__site__station__path"


class TourRound(models.Model):
    """One run of a plan from one scheduled start; closed with its missed stops once over."""

    plan = models.ForeignKey(
        TourPlan, verbose_name=_("tour plan"), on_delete=models.CASCADE, related_name="rounds"
    )
    starts_at = models.DateTimeField(_("starts"))
    guard = models.ForeignKey(
        Guard,
        verbose_name=_("guard"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tour_rounds",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The orders of the stops no scan reached, written when the round is closed.
    missed_orders = models.JSONField(_("missed stops"), default=list, blank=True)

    objects = TourRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("tour round")
        verbose_name_plural = _("tour rounds")
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "starts_at"], name="sf_one_round_per_start")
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.starts_at:%Y-%m-%d %H:%M}"


class TourScan(models.Model):
    """A guard's scan of a checkpoint in a round, with what it was flagged with."""

    class Method(models.TextChoices):
        QR = "qr", _("QR code")
        NFC = "nfc", _("NFC tag")

    round = models.ForeignKey(
        TourRound, verbose_name=_("tour round"), on_delete=models.CASCADE, related_name="scans"
    )
    stop = models.ForeignKey(
        TourStop, verbose_name=_("tour stop"), on_delete=models.PROTECT, related_name="scans"
    )
    guard = models.ForeignKey(
        Guard, verbose_name=_("guard"), on_delete=models.PROTECT, related_name="tour_scans"
    )
    scanned_at = models.DateTimeField(_("scanned"))
    method = models.CharField(_("method"), max_length=4, choices=Method.choices)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    distance_m = models.PositiveIntegerField(
        _("distance from the checkpoint (m)"), null=True, blank=True
    )
    minutes_late = models.PositiveIntegerField(_("minutes late"), default=0)
    out_of_order = models.BooleanField(_("out of order"), default=False)
    too_far = models.BooleanField(_("too far from the checkpoint"), default=False)

    class Meta:
        verbose_name = _("tour scan")
        verbose_name_plural = _("tour scans")
        ordering = ["scanned_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "stop"], name="sf_one_scan_per_stop")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.stop_id}"


class GuardReportQuerySet(ScopedQuerySet):
    scope_path = "incident__station__path"


class GuardReport(models.Model):
    """What a guard reported to the station under the cooperation guideline; it became the
    station's incident, with the guard as the reporter."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Guard's phone")
        DESK = "desk", _("Institution's desk")

    guard = models.ForeignKey(
        Guard, verbose_name=_("guard"), on_delete=models.PROTECT, related_name="reports"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="reports"
    )
    site = models.ForeignKey(
        ContractSite,
        verbose_name=_("site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    kind = models.CharField(_("kind"), max_length=16)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("occurred"))
    reported_at = models.DateTimeField(_("reported"))
    # Reported later than the guideline's time for its kind.
    overdue = models.BooleanField(_("reported late"), default=False)
    narrative = models.TextField(_("narrative"))
    incident = models.OneToOneField(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        related_name="guard_report",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("station's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = GuardReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("guard's report")
        verbose_name_plural = _("guards' reports")
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.guard_id}: {self.kind}"

    @property
    def kind_label(self) -> str:
        return report_rules.label(self.kind)


class GuardReviewQuerySet(ScopedQuerySet):
    scope_path = "province__path"

    def open(self) -> GuardReviewQuerySet:
        return self.filter(decided_at__isnull=True)


class GuardReview(models.Model):
    """A review of a guard's licence raised when a new incident or complaint names the guard;
    the province's registrar decides, never the system."""

    class Decision(models.TextChoices):
        NO_CHANGE = "no_change", _("No change")
        WARNING = "warning", _("Warning")
        SUSPENSION = "suspension", _("Suspension")
        REVOCATION = "revocation", _("Revocation")

    guard = models.ForeignKey(
        Guard, verbose_name=_("guard"), on_delete=models.PROTECT, related_name="reviews"
    )
    province = models.ForeignKey(
        "org.Unit", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = GuardReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("guard review")
        verbose_name_plural = _("guard reviews")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["guard", "incident"],
                condition=Q(incident__isnull=False),
                name="sf_one_review_per_incident",
            ),
            models.UniqueConstraint(
                fields=["guard", "complaint"],
                condition=Q(complaint__isnull=False),
                name="sf_one_review_per_complaint",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guard_id}: {self.decision or '…'}"


# --- Assessments and sanctions -------------------------------------------------------------------


class Indicator(models.Model):
    """One indicator of the published standard institutions are assessed against each year."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    title = models.CharField(_("indicator"), max_length=300)
    title_en = models.CharField(_("indicator in English"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(pgettext_lazy("indicator", "position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("assessment indicator")
        verbose_name_plural = _("assessment indicators")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        english = (get_language() or "").startswith("en") and self.title_en
        return f"{self.code} · {self.title_en if english else self.title}"


class AssessmentQuerySet(ScopedQuerySet):
    scope_path = "institution__province__path"


class Assessment(models.Model):
    """An institution's assessment of one (Jalali) year: its self-assessment, the province's
    findings against the indicators, the score they give and the registrar's decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Not decided")
        APPROVED = "approved", pgettext_lazy("assessment", "Approved")
        CONDITIONAL = "conditional", _("Approved on conditions")
        REFUSED = "refused", _("Not approved")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=12, choices=Decision.choices, default=Decision.PENDING
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    opened_at = models.DateTimeField(pgettext_lazy("assessment", "opened"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("institution assessment")
        verbose_name_plural = _("institution assessments")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="one_assessment_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.year}"


class Finding(models.Model):
    """What the province found on one indicator."""

    class Kind(models.TextChoices):
        MUST_FIX = "must_fix", _("Must fix")
        SHOULD_FIX = "should_fix", _("Should fix")
        GOOD_PRACTICE = "good_practice", _("Good practice")

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="findings"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        pgettext_lazy("assessment", "finding"), max_length=14, choices=Kind.choices
    )
    note = models.TextField(_("note"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment finding")
        verbose_name_plural = _("assessment findings")
        ordering = ["indicator__position", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.get_kind_display()}"


class SanctionQuerySet(ScopedQuerySet):
    scope_path = "institution__province__path"


class Sanction(models.Model):
    """A sanction on an institution; a suspension or revocation changes its licence."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Written warning")
        SUSPENSION = "suspension", _("Suspension of the licence")
        REVOCATION = "revocation", _("Revocation of the licence")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="sanctions",
    )
    kind = models.CharField(_("sanction"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sanctions",
    )
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    imposed_at = models.DateTimeField(_("imposed"), default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(pgettext_lazy("sanction", "lifted"), null=True, blank=True)
    lift_reason = models.CharField(_("reason for lifting"), max_length=500, blank=True)

    objects = SanctionQuerySet.as_manager()

    class Meta:
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")
        ordering = ["-imposed_at"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_kind_display()}"

    @property
    def may_be_lifted(self) -> bool:
        return self.kind == self.Kind.SUSPENSION and self.lifted_at is None
