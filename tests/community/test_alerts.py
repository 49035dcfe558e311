"""Resident alerts: consent recorded and revocable, the composer's refusals, the queue."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import time as clock

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kalantar.community import selectors, sending, services
from kalantar.community.models import Alert, Delivery, Subscriber
from kalantar.core import sms
from kalantar.core.models import AuditEntry
from tests.community.conftest import ALWAYS_QUIET

pytestmark = pytest.mark.django_db

TEXT = "سه سرقت منزل در هفتهٔ گذشته در خیابان‌های اطراف میدان رخ داده است؛ درها را دو قفله کنید."


def _compose(client, hood, text=TEXT, topic="burglary", priority=2):
    return client.post(
        reverse("community:alert_new"),
        {"neighbourhood": hood.pk, "topic": topic, "priority": priority, "text": text},
    )


def test_a_resident_subscribes_with_consent_recorded(client, hood1):
    response = client.post(
        reverse("community:subscribe"),
        {
            "neighbourhood": hood1.pk,
            "mobile": "۰۹۳۵۱۲۳۴۵۶۷",
            "kind": "shopkeeper",
            "topics": ["burglary", "scam"],
            "min_priority": 2,
            "quiet_from": "22:00",
            "quiet_to": "07:00",
            "consent": "on",
        },
    )
    assert response.status_code == 200 and "محله مدرس" in response.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.mobile == "09351234567" and subscriber.topic_list == ["burglary", "scam"]
    assert subscriber.consented_at and subscriber.consent_version == "1"
    assert subscriber.quiet_from == clock(22) and subscriber.withdrawn_at is None
    # The audit keeps the act, never the number.
    entry = AuditEntry.objects.get(action="community.subscribed")
    assert "0935" not in str(entry.detail)


def test_no_consent_no_subscription(client, hood1):
    response = client.post(
        reverse("community:subscribe"),
        {
            "neighbourhood": hood1.pk,
            "mobile": "09351234567",
            "kind": "resident",
            "topics": ["burglary"],
            "min_priority": 1,
        },
    )
    assert "تنها با رضایت شما" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_an_alert_to_an_area_with_no_subscribers_is_refused(client, chief1, hood1, subscribe):
    subscribe(hood1, ["scam"])  # subscribed, but to another topic
    client.force_login(chief1)
    response = _compose(client, hood1)
    html = response.content.decode()
    assert response.status_code == 400
    assert "کسی برای این موضوع با این اولویت مشترک نشده است" in html
    assert not Alert.objects.exists()


def test_an_alert_under_a_subscribers_lowest_priority_is_not_for_them(
    client, chief1, hood1, subscribe
):
    subscribe(hood1, min_priority=3)
    client.force_login(chief1)
    assert _compose(client, hood1, priority=2).status_code == 400
    assert _compose(client, hood1, priority=3).status_code == 302


@pytest.mark.parametrize("number", ["۰۹۱۲۳۴۵۶۷۸۹", "0012345679"])
def test_the_composer_refuses_a_text_that_identifies_someone(
    client, chief1, hood1, subscribe, number
):
    subscribe(hood1)
    client.force_login(chief1)
    response = _compose(client, hood1, text=f"مظنون با شمارهٔ {number} دیده شد")
    assert "شماره را بردارید" in response.content.decode()
    assert not Alert.objects.exists()


def test_the_preview_shows_counts_only(client, chief1, hood1, subscribe):
    subscribers = [subscribe(hood1) for _ in range(3)]
    subscribe(hood1, quiet=ALWAYS_QUIET)
    services.withdraw(subscriber=subscribers[0])
    client.force_login(chief1)
    html = client.get(
        reverse("community:alert_preview"),
        {"neighbourhood": hood1.pk, "topic": "burglary", "priority": 2},
    ).content.decode()
    assert "۳ مشترک" in html and "۱ نفر" in html
    assert "0935" not in html and "۰۹۳۵" not in html


def test_an_alert_is_queued_at_once_and_sent_by_the_job(client, chief1, hood1, subscribe, outbox):
    subscribers = [subscribe(hood1) for _ in range(3)]
    client.force_login(chief1)
    assert _compose(client, hood1).status_code == 302
    alert = Alert.objects.get()
    assert alert.status == "queued" and outbox == []  # the page did not send anything
    sending.run()
    alert.refresh_from_db()
    assert alert.status == "sent" and alert.recipients == 3 and alert.sms_sent == 3
    assert sorted(to for to, _text in outbox) == sorted(s.mobile for s in subscribers)
    assert all("/alerts/stop/" in text for _to, text in outbox)


def test_the_station_in_an_alert_reads_in_persian_digits(client, chief1, hood1, subscribe, outbox):
    hood1.station.name = "کلانتری 11 همدان"  # typed with Latin digits, as imports often are
    hood1.station.save(update_fields=["name"])
    subscribe(hood1)
    client.force_login(chief1)
    assert _compose(client, hood1).status_code == 302
    sending.run()
    [(_to, text)] = outbox
    assert text.startswith("کلانتری ۱۱ همدان: ")


def test_a_subscriber_who_withdrew_receives_nothing(client, chief1, hood1, subscribe, outbox):
    stays, leaves_early, leaves_late = subscribe(hood1), subscribe(hood1), subscribe(hood1)
    # Withdrawn before the alert, through the link of an earlier message.
    page = client.post(
        reverse("community:unsubscribe", args=[services.unsubscribe_token(leaves_early)])
    )
    assert "رضایت شما پس گرفته شد" in page.content.decode()
    client.force_login(chief1)
    _compose(client, hood1)
    sending.fan_out(Alert.objects.get())
    # Withdrawn after the alert was queued, before its message went out.
    services.withdraw(subscriber=leaves_late)
    sending.run()
    assert [to for to, _text in outbox] == [stays.mobile]
    alert = Alert.objects.get()
    assert alert.sms_sent == 1 and alert.skipped_withdrawn == 1 and alert.recipients == 2


def test_quiet_hours_hold_the_message(client, chief1, hood1, subscribe, outbox):
    awake, asleep = subscribe(hood1), subscribe(hood1, quiet=ALWAYS_QUIET)
    client.force_login(chief1)
    _compose(client, hood1)
    sending.run()
    assert [to for to, _text in outbox] == [awake.mobile]
    assert Delivery.objects.get(subscriber=asleep).status == "queued"
    assert Alert.objects.get().status == "sending"


def test_a_forged_stop_link_changes_nothing(client, hood1, subscribe):
    subscriber = subscribe(hood1)
    token = services.unsubscribe_token(subscriber)
    response = client.post(reverse("community:unsubscribe", args=[token[:-2] + "xx"]))
    assert response.status_code == 404 and "معتبر نیست" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.withdrawn_at is None


def test_stations_see_and_send_only_their_own(client, chief2, hood1, hood2, subscribe, chief1):
    subscribe(hood1)
    services.compose_alert(by=chief1, neighbourhood=hood1, topic="burglary", priority=2, text=TEXT)
    client.force_login(chief2)
    assert TEXT[:20] not in client.get(reverse("community:alerts")).content.decode()
    response = _compose(client, hood1)
    assert response.status_code == 400  # another station's neighbourhood is not a choice
    assert Alert.objects.count() == 1


def test_the_composer_opened_for_an_area_shows_its_counts(client, chief1, hood1, subscribe):
    subscribe(hood1)
    client.force_login(chief1)
    query = {"neighbourhood": hood1.pk, "topic": "burglary", "priority": 2}
    html = client.get(reverse("community:alert_new"), query).content.decode()
    assert "۱ مشترک" in html
    assert f'<option value="{hood1.pk}" selected>' in html


class SlowGateway(sms.LocmemSmsBackend):
    """A gateway that takes a moment per message, as a real one does: two drains overlap."""

    def send(self, to: str, text: str) -> None:
        time.sleep(0.002)
        super().send(to, text)


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_draining_at_once_send_each_message_once(
    chief1, hood1, subscribe, outbox, settings
):
    settings.SMS_BACKEND = "tests.community.test_alerts.SlowGateway"
    sms._backend.cache_clear()
    subscribers = [subscribe(hood1) for _ in range(40)]
    alert = services.compose_alert(
        by=chief1, neighbourhood=hood1, topic="burglary", priority=2, text=TEXT
    )
    sending.fan_out(alert)
    start = threading.Barrier(2)

    def scheduler(_: int) -> int:
        try:
            start.wait()
            handled = 0
            while done := sending.drain(limit=5):
                handled += done
            return handled
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        handled = list(pool.map(scheduler, range(2)))
    assert sorted(to for to, _text in outbox) == sorted(s.mobile for s in subscribers)
    assert sum(handled) == 40
    alert.refresh_from_db()
    assert alert.sms_sent == 40 and alert.status == "sent"


def test_the_kept_counts_follow_every_change_of_consent(chief1, hood1, subscribe):
    def previewed(topic="burglary", priority=2):
        return selectors.preview(
            neighbourhood=hood1, topic=topic, priority=priority, now=timezone.now()
        )

    first = subscribe(hood1, topics=("burglary", "scam"))
    subscribe(hood1, quiet=ALWAYS_QUIET)
    subscribe(hood1, min_priority=3)
    assert (previewed().recipients, previewed().quiet_now) == (2, 1)
    assert previewed(priority=3).recipients == 3 and previewed("scam").recipients == 1
    # The same number again with other choices: counted once, under the new choices.
    services.subscribe(
        draft=services.SubscriptionDraft(
            neighbourhood=hood1,
            mobile=first.mobile,
            kind="resident",
            topics=["scam"],
            min_priority=1,
        )
    )
    assert previewed().recipients == 1 and previewed("scam").recipients == 1
    services.withdraw(subscriber=Subscriber.objects.get(pk=first.pk))
    services.withdraw(subscriber=Subscriber.objects.get(pk=first.pk))  # twice: once counted
    assert previewed("scam").recipients == 0
    # The kept counts agree with counting the subscribers themselves.
    for topic, priority in (("burglary", 1), ("burglary", 3), ("scam", 2)):
        counted = services.recipients(neighbourhood=hood1, topic=topic, priority=priority).count()
        assert previewed(topic, priority).recipients == counted
    services.recount_subscribers()
    assert (previewed().recipients, previewed(priority=3).recipients) == (1, 2)


def test_a_batch_whose_drain_stopped_is_sent_once_its_claim_expires(
    chief1, hood1, subscribe, outbox
):
    subscriber = subscribe(hood1)
    alert = services.compose_alert(
        by=chief1, neighbourhood=hood1, topic="burglary", priority=2, text=TEXT
    )
    sending.fan_out(alert)
    assert len(sending._claim(10)) == 1  # a drain claims the message, then stops
    assert sending.drain() == 0 and outbox == []  # claimed: no other drain takes it
    Delivery.objects.update(claimed_at=timezone.now() - sending.CLAIM_EXPIRES * 2)
    assert sending.drain() == 1
    assert [to for to, _text in outbox] == [subscriber.mobile]
    alert.refresh_from_db()
    assert alert.status == "sent" and alert.sms_sent == 1
