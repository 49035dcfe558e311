"""A subscriber's messages are named as a reader names them: no raw "NULL" protocol token."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from kalantar.alarms.models import AlarmEvent


def test_heartbeat_messages_are_named_not_null(client, make_user, make_subscriber):
    sub = make_subscriber("1234")
    at = timezone.now()
    AlarmEvent.objects.create(
        subscriber=sub,
        account="1234",
        token="NULL",
        seq="0001",
        code="",
        zone="",
        category="",
        priority=9,
        known=True,
        received_at=at,
        dedup_key=f"{sub.pk}|1|{at.isoformat()}",
        processed=True,
    )
    client.force_login(make_user("chief", "station_chief", "HM01K01"))
    url = reverse("alarms:subscriber", args=[sub.pk])
    client.cookies["kalantar_language"] = "fa"
    page = client.get(url).content.decode()
    assert "آزمون ارتباط" in page and "NULL" not in page
    client.cookies["kalantar_language"] = "en"
    page = client.get(url).content.decode()
    assert "link test" in page and "NULL" not in page
