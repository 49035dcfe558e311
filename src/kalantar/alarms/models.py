from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.alarms import codes
from kalantar.core.scoping import ScopedQuerySet
from kalantar.org.provinces import province_field


class SubscriberQuerySet(ScopedQuerySet):
    scope_path = "station__path"


class Subscriber(models.Model):
    """A home, shop, bank, guild or institution whose alarm panel reports to the centre."""

    class Kind(models.TextChoices):
        HOME = "home", pgettext_lazy("premises", "Home")
        SHOP = "shop", pgettext_lazy("premises", "Shop")
        BANK = "bank", pgettext_lazy("premises", "Bank")
        GUILD = "guild", pgettext_lazy("premises", "Guild premises")
        INSTITUTION = "institution", pgettext_lazy("premises", "Institution")

    class Comm(models.TextChoices):
        OK = "ok", _("Reporting")
        LOST = "lost", _("Communication lost")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("premises phone"), max_length=20, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    station = models.ForeignKey(
        "org.Unit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    passcode_hash = models.CharField(_("cancel passcode"), max_length=200, blank=True)
    # The panel's AES key, encrypted with a key derived from SECRET_KEY (see crypto.py).
    key_encrypted = models.TextField(_("encryption key (encrypted)"), blank=True)
    supervision_minutes = models.PositiveIntegerField(
        _("supervision interval (minutes)"), default=0, help_text=_("0 turns supervision off.")
    )
    # Panels that send local time instead of UTC: their clock's offset from UTC.
    clock_offset_minutes = models.IntegerField(
        _("panel clock offset from UTC (minutes)"), default=0
    )
    zones = models.JSONField(_("zones"), default=dict, blank=True)
    action_plan = models.TextField(_("action plan"), blank=True)
    verification_required = models.BooleanField(_("verification required"), default=False)
    comm_state = models.CharField(
        _("communication"), max_length=4, choices=Comm.choices, default=Comm.OK
    )
    # Epoch seconds by which the next message is due (interval + grace); swept by an index.
    next_due = models.BigIntegerField(_("next message due"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last message"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["name"]
        indexes = [models.Index(fields=["comm_state", "next_due"], name="alarms_sub_due")]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """An account number a panel reports with; one subscriber may have several."""

    number = models.CharField(_("account"), max_length=16, unique=True)
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE, related_name="accounts"
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.number


class Keyholder(models.Model):
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="keyholders",
    )
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20)
    order = models.PositiveSmallIntegerField(_("call order"), default=1)

    class Meta:
        verbose_name = _("keyholder")
        verbose_name_plural = _("keyholders")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


CATEGORY_LABELS = {
    codes.FIRE: _("Fire"),
    codes.PANIC: _("Panic / duress"),
    codes.MEDICAL: _("Medical"),
    codes.BURGLARY: _("Burglary"),
    codes.TAMPER: _("Tamper"),
    codes.TROUBLE: _("Trouble"),
    codes.COMM_LOST: _("Communication lost"),
    codes.OPENING: _("Opening / closing"),
    codes.TEST: _("Test"),
    codes.RESTORE: _("Restore"),
    codes.HEARTBEAT: _("Link test"),
    codes.OTHER: _("Other"),
    codes.UNKNOWN: _("Unknown code"),
}


class AlarmQuerySet(ScopedQuerySet):
    scope_path = "station__path"

    def open(self) -> AlarmQuerySet:
        return self.exclude(state=Alarm.State.RESOLVED)


class Alarm(models.Model):
    """Events of one premises grouped into one case an operator works through."""

    class State(models.TextChoices):
        NEW = "new", pgettext_lazy("alarm state", "New")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("alarm state", "Acknowledged")
        DISPATCHED = "dispatched", pgettext_lazy("alarm state", "Dispatched")
        RESOLVED = "resolved", pgettext_lazy("alarm state", "Resolved")

    class Outcome(models.TextChoices):
        REAL = "real", _("Real alarm")
        FALSE_USER = "false_user", _("False: user error")
        FALSE_TECHNICAL = "false_technical", _("False: technical")
        CANCELLED = "cancelled", _("Cancelled by keyholder with passcode")

    FALSE_OUTCOMES = (Outcome.FALSE_USER, Outcome.FALSE_TECHNICAL, Outcome.CANCELLED)

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.PROTECT, related_name="alarms"
    )
    station = models.ForeignKey(
        "org.Unit", verbose_name=_("station"), on_delete=models.PROTECT, related_name="+"
    )
    province = province_field()  # the station's
    category = models.CharField(pgettext_lazy("alarm class", "category"), max_length=16)
    priority = models.PositiveSmallIntegerField(_("priority"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.NEW)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    zone = models.CharField(_("zone"), max_length=16, blank=True)
    event_count = models.PositiveIntegerField(_("events"), default=1)
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    last_event_at = models.DateTimeField(_("last event"))
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alarms",
    )
    note = models.TextField(_("outcome note"), blank=True)

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        ordering = ["priority", "opened_at"]
        indexes = [models.Index(fields=["state", "priority", "opened_at"], name="alarms_queue")]
        permissions = [
            ("work_alarm", _("Can acknowledge, dispatch and resolve alarms")),
            ("import_subscribers", _("Can import subscribers")),
            ("manage_parked", _("Can review, replay and drop parked alarm events")),
        ]

    def __str__(self) -> str:
        return f"{self.category_label} — {self.subscriber}"

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))


class AlarmEventQuerySet(ScopedQuerySet):
    scope_path = "subscriber__station__path"


class AlarmEvent(models.Model):
    """One acknowledged message from a panel, stored before its ACK was sent."""

    # Indexed with received_at below. Every index led by the panel costs the receiver a
    # page write per panel per commit (events of many panels interleave), so there is one.
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,
    )
    province = province_field()  # the subscriber's station's
    account = models.CharField(_("account"), max_length=16)
    token = models.CharField(_("protocol"), max_length=8)
    encrypted = models.BooleanField(_("encrypted"), default=False)
    seq = models.CharField(_("sequence"), max_length=4)
    code = models.CharField(_("event code"), max_length=4, blank=True)
    qualifier = models.CharField(_("qualifier"), max_length=1, blank=True)
    zone = models.CharField(_("zone"), max_length=16, blank=True)
    partition = models.CharField(_("partition"), max_length=8, blank=True)
    category = models.CharField(pgettext_lazy("alarm class", "category"), max_length=16)
    priority = models.PositiveSmallIntegerField(_("priority"))
    known = models.BooleanField(_("known code"), default=True)
    panel_time = models.DateTimeField(_("panel time"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), db_index=True)
    # account|seq|timestamp (or, without one, the day and the data): retransmissions collide.
    dedup_key = models.CharField(max_length=120, unique=True)
    data = models.CharField(_("data"), max_length=300, blank=True)
    processed = models.BooleanField(default=False)
    alarm = models.ForeignKey(
        Alarm,
        verbose_name=_("alarm"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )

    objects = AlarmEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("alarm event")
        verbose_name_plural = _("alarm events")
        ordering = ["-received_at"]
        indexes = [
            models.Index(
                fields=["processed"],
                name="alarms_evt_unprocessed",
                condition=models.Q(processed=False),
            ),
            models.Index(fields=["subscriber", "received_at"], name="alarms_evt_subscriber"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.seq} {self.code}"

    @property
    def category_label(self) -> str:
        return str(CATEGORY_LABELS.get(self.category, self.category))

    @property
    def protocol_label(self) -> str:
        """The message's protocol by name; a link test (token NULL) in words."""
        return str(PROTOCOL_LABELS.get(self.token, self.token))


PROTOCOL_LABELS = {
    "SIA-DCS": "SIA DCS",
    "ADM-CID": "Contact ID",
    "NULL": pgettext_lazy("alarm protocol", "link test"),
}


class AlarmLog(models.Model):
    """The alarm's history as the console shows it (the audit log holds the proof)."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(_("time"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Action(models.TextChoices):
        OPENED = "opened", pgettext_lazy("alarm action", "Opened")
        EVENT = "event", _("Another event")
        RESTORE = "restore", _("Restore")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        CALL_PREMISES = "call_premises", _("Called the premises")
        CALL_KEYHOLDER = "call_keyholder", _("Called a keyholder")
        NOTE = "note", _("Note")
        DISPATCHED = "dispatched", _("Patrol dispatched")
        RESOLVED = "resolved", _("Resolved")

    # The steps of the action plan an operator records by hand.
    PLAN_ACTIONS = (Action.CALL_PREMISES, Action.CALL_KEYHOLDER, Action.NOTE)

    action = models.CharField(_("action"), max_length=32)
    text = models.CharField(_("text"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.text}"

    @property
    def action_label(self) -> str:
        try:
            return str(AlarmLog.Action(self.action).label)
        except ValueError:  # a line written before its action was named here
            return self.action


class ReceiverStatus(models.Model):
    """Liveness of the receiver: supervision is suspended while no receiver is listening.
    With its heartbeat it writes what its connection limits did since it started, for the
    console to show when they bite."""

    name = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    alive_at = models.DateTimeField()
    connections = models.PositiveIntegerField(_("open connections"), default=0)
    refused = models.PositiveBigIntegerField(_("connections refused"), default=0)
    timed_out = models.PositiveBigIntegerField(_("frames timed out"), default=0)
    replies_dropped = models.PositiveBigIntegerField(_("UDP replies withheld"), default=0)
    limited_at = models.DateTimeField(_("limits last applied"), null=True, blank=True)
    # With NATS_URL: since when this receiver refuses panels for want of the alarm stream.
    stream_down_since = models.DateTimeField(_("alarm stream down since"), null=True, blank=True)

    def __str__(self) -> str:
        return self.name
