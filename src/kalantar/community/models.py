"""Neighbourhood watch and police helpers, residents' alerts with consent, safety reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kalantar.core.scoping import ScopedQuerySet


class StationScoped(ScopedQuerySet):
    scope_path = "station__path"


class VolunteerScoped(ScopedQuerySet):
    scope_path = "volunteer__station__path"


class Neighbourhood(models.Model):
    """A named area of a station's jurisdiction: a drawn polygon and its H3 cells."""

    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    area = models.JSONField(_("area"), default=dict, blank=True)
    cells = models.JSONField(_("H3 cells"), default=list, blank=True)

    objects = StationScoped.as_manager()

    class Meta:
        verbose_name = _("neighbourhood (محله)")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=("station", "name"), name="community_unique_hood")
        ]

    def __str__(self) -> str:
        return self.name


class Programme(models.TextChoices):
    WATCH = "watch", _("Neighbourhood watch")
    HELPERS = "helpers", _("Police helpers")


class WatchGroup(models.Model):
    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=120)
    programme = models.CharField(_("programme"), max_length=10, choices=Programme.choices)
    contact_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("station contact officer"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StationScoped.as_manager()

    class Meta:
        verbose_name = _("volunteer group")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class CheckAnswer(models.TextChoices):
    CLEARED = "cleared", _("Cleared by the check")
    NOT_CLEARED = "not_cleared", _("Not cleared by the check")


class Volunteer(models.Model):
    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        WatchGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer",
    )
    programme = models.CharField(_("programme"), max_length=10, choices=Programme.choices)
    full_name = models.CharField(_("full name"), max_length=120)
    national_code = models.CharField(_("national code"), max_length=10, unique=True)
    mobile = models.CharField(_("mobile"), max_length=11)
    area = models.JSONField(_("area"), default=dict, blank=True)
    cells = models.JSONField(_("H3 cells"), default=list, blank=True)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    check_requested_at = models.DateTimeField(null=True, blank=True)
    check_answer = models.CharField(
        _("background check"), max_length=12, choices=CheckAnswer.choices, blank=True
    )
    check_answered_at = models.DateTimeField(null=True, blank=True)
    check_letter = models.CharField(_("answer's letter number"), max_length=40, blank=True)
    references = models.TextField(_("references"), blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)

    objects = StationScoped.as_manager()

    class Meta:
        verbose_name = _("volunteer (نگهبان محله، همیار پلیس)")
        ordering = ("full_name",)
        permissions = [("use_volunteer_page", "Use the volunteer's own page")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def vetting_state(self) -> str:
        if self.check_answer:
            return self.check_answer
        return "requested" if self.check_requested_at else "none"


class Assignment(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="assignments")
    title = models.CharField(_("duty"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VolunteerScoped.as_manager()

    class Meta:
        verbose_name = _("assignment")
        ordering = ("-starts_on",)

    def __str__(self) -> str:
        return self.title


class HoursRefused(Exception):
    """The hours ledger keeps every line: approved, declined or waiting."""


class HoursQuerySet(VolunteerScoped):
    def delete(self):
        raise HoursRefused("hours are never deleted")


class HoursEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="hours")
    worked_on = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    note = models.CharField(_("what was done"), max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)

    objects = HoursQuerySet.as_manager()

    class Meta:
        verbose_name = _("hours entry")
        ordering = ("-worked_on", "-pk")

    def __str__(self) -> str:
        return f"{self.volunteer_id}: {self.hours}"

    def delete(self, *args, **kwargs):
        raise HoursRefused("hours are never deleted")


class TrainingSession(models.Model):
    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        WatchGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions"
    )
    title = models.CharField(_("subject"), max_length=200)
    held_on = models.DateField(_("day"))
    trainer = models.CharField(_("trainer"), max_length=120, blank=True)
    attendees = models.ManyToManyField(Volunteer, through="Attendance", related_name="sessions")

    objects = StationScoped.as_manager()

    class Meta:
        verbose_name = _("training session")
        ordering = ("-held_on",)

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT)
    present = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("session", "volunteer"), name="community_one_attendance"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.volunteer_id}"


class Recognition(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="recognitions")
    title = models.CharField(_("recognition"), max_length=200)
    given_on = models.DateField(_("day"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = VolunteerScoped.as_manager()

    class Meta:
        ordering = ("-given_on",)

    def __str__(self) -> str:
        return self.title


class Topic(models.TextChoices):
    BURGLARY = "burglary", _("Burglary")
    SCAM = "scam", _("Scams and fraud")
    VEHICLE = "vehicle", _("Vehicle theft")
    TRAFFIC = "traffic", _("Traffic and roads")
    PREVENTION = "prevention", _("Prevention advice")


class Priority(models.IntegerChoices):
    INFO = 1, _("For information")
    IMPORTANT = 2, _("Important")
    URGENT = 3, _("Urgent")


class Subscriber(models.Model):
    class Kind(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        SHOPKEEPER = "shopkeeper", _("Shopkeeper")

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="subscribers"
    )
    mobile = models.CharField(_("mobile"), max_length=11)
    kind = models.CharField(_("I am a"), max_length=10, choices=Kind.choices)
    # ",burglary,scam,": a plain text match finds a topic on every database.
    topics = models.CharField(_("topics"), max_length=100)
    min_priority = models.PositiveSmallIntegerField(
        _("lowest priority I want"), choices=Priority.choices, default=Priority.INFO
    )
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_to = models.TimeField(_("quiet until"), null=True, blank=True)
    consented_at = models.DateTimeField()
    consent_version = models.CharField(max_length=10)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("alert subscriber")
        indexes = [models.Index(fields=("neighbourhood", "withdrawn_at"))]

    def __str__(self) -> str:
        return f"{self.pk}"

    @property
    def topic_list(self) -> list[str]:
        return [t for t in self.topics.split(",") if t]


class SubscriberCount(models.Model):
    """How many consenting subscribers a neighbourhood has per topic, lowest priority and
    quiet hours, kept by every subscribe and withdraw: the composer's preview reads a few of
    these rows instead of counting the subscribers while the alert queue drains."""

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=12, choices=Topic.choices)
    min_priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    # "22:00-07:00", or empty for none: one key, so the unique constraint holds on every
    # database (NULLs would be distinct in it).
    quiet = models.CharField(max_length=11, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("neighbourhood", "topic", "min_priority", "quiet"),
                name="community_one_subscriber_count",
            )
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood_id}/{self.topic}: {self.count}"


class Alert(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="alerts"
    )
    topic = models.CharField(_("topic"), max_length=12, choices=Topic.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    text = models.TextField(_("text"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)
    # The fan-out's cursor: deliveries exist for the recipients up to this subscriber.
    fanned_to = models.PositiveBigIntegerField(default=0)
    # Delivery per channel: text messages to subscribers, the volunteers' own page.
    sms_sent = models.PositiveIntegerField(default=0)
    skipped_withdrawn = models.PositiveIntegerField(default=0)
    volunteer_page = models.PositiveIntegerField(default=0)

    objects = StationScoped.as_manager()

    class Meta:
        verbose_name = _("resident alert")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.text[:40]


class Delivery(models.Model):
    """One text message of an alert: the queue the sender drains."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        WITHDRAWN = "withdrawn", _("Consent withdrawn")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    not_before = models.DateTimeField()
    # When a drain claimed it for sending (status "sending").
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=("status", "not_before")),
            models.Index(fields=("alert", "status")),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id}/{self.subscriber_id}"


class SafetyReport(models.Model):
    class Behaviour(models.TextChoices):
        TRYING_DOORS = "doors", _("Trying doors, windows or car handles")
        WATCHING = "watching", _("Watching houses or shops for a long time")
        SELLING = "selling", _("Selling or passing something hidden")
        DAMAGE = "damage", _("Damaging property")
        THREAT = "threat", _("Threatening or harassing people")
        DANGER = "danger", _("A danger in the street (lighting, open pit, fire)")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        NEW = "new", _("Waiting for review")
        REVIEWED = "reviewed", _("Reviewed")

    station = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    mobile = models.CharField(_("mobile for the answer"), max_length=11, blank=True)
    behaviour = models.CharField(_("what was happening"), max_length=10, choices=Behaviour.choices)
    what_happened = models.TextField(_("what you saw them do"))
    happened_at = models.DateTimeField(_("when"))
    place = models.CharField(_("where"), max_length=200)
    details = models.JSONField(default=dict, blank=True)
    appearance = models.CharField(_("general appearance"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("reply to the reporter"), blank=True)

    objects = StationScoped.as_manager()

    class Meta:
        verbose_name = _("safety report")
        ordering = ("-created_at",)
        permissions = [("review_safetyreport", "Review safety reports")]

    def __str__(self) -> str:
        return self.get_behaviour_display()
