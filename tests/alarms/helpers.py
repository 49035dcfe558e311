from __future__ import annotations

from django.utils import timezone

from kalantar.alarms import codes, services
from kalantar.alarms.models import Alarm, AlarmEvent


def raise_alarm(sub, code: str = "BA", *, seq: int = 1) -> Alarm:
    """Store one event as the receiver would and turn it into an alarm."""
    c = codes.classify("SIA-DCS", code)
    at = timezone.now()
    AlarmEvent.objects.create(
        subscriber=sub,
        account=sub.accounts.first().number,
        token="SIA-DCS",
        seq=f"{seq:04d}",
        code=code,
        zone="001",
        category=c.category,
        priority=c.priority,
        known=c.known,
        received_at=at,
        dedup_key=f"{sub.pk}|{seq}|{at.isoformat()}",
        processed=False,
    )
    services.process_pending_events()
    return Alarm.objects.filter(subscriber=sub).latest("id")
