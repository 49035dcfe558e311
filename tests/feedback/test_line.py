"""The 197 line: intake, classification, routing, outcomes and call-backs."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kalantar.complaints.models import Complaint
from kalantar.feedback import selectors, services
from kalantar.feedback.models import FeedbackMessage
from kalantar.feedback.signals import conduct_reported
from kalantar.people import services as people_services
from kalantar.people.models import Commendation
from tests.background import run_background_tasks
from tests.factories import INSIDE_K02, VALID_NATIONAL_CODE

pytestmark = pytest.mark.django_db


def test_a_message_gets_a_suggested_class_and_topic(record):
    message = record("پیشنهاد می‌کنم برای گشت شبانه در محله شریعتی نیروی بیشتری بگذارید")
    assert message.suggested_class == "suggestion"
    assert message.suggested_topic == "patrol"
    assert 0 < message.class_confidence <= 1


def test_the_station_is_found_from_the_place(record):
    message = record(unit=None, **INSIDE_K02)
    assert message.unit.code == "HM01K02"


@pytest.mark.parametrize("text", ["🙏🙏👍", "thank you police", "merci ziad"])
def test_emoji_or_latin_only_is_kept_without_a_suggestion(record, text):
    message = record(text)
    assert message.pk and message.text == text
    assert message.suggested_class == ""


def test_bad_input_is_refused_and_nothing_stored(record, org_tree):
    with pytest.raises(ValidationError) as error:
        record("", caller_mobile="abc", caller_national_code="1234567890", unit=None)
    assert set(error.value.message_dict) == {
        "text",
        "caller_mobile",
        "caller_national_code",
        "unit",
    }
    assert not FeedbackMessage.objects.exists()


def test_conduct_report_goes_to_inspection_unseen_by_the_station(record, operator, chief1, chief2):
    heard = []
    conduct_reported.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="t")
    try:
        message = record("از رفتار ستوان احمدی با من شکایت دارم، توهین کرد")
        services.confirm_message(
            by=operator, message=message, msg_class="complaint", topic="conduct"
        )
    finally:
        conduct_reported.disconnect(dispatch_uid="t")
    other = record("از پذیرش کلانتری ممنونم", unit=chief2.unit)
    services.confirm_message(by=operator, message=other, msg_class="appreciation", topic="station")
    assert heard and heard[0]["message"].pk == message.pk and heard[0]["by"] == operator
    assert not selectors.messages_for(chief1).filter(pk=message.pk).exists()
    assert selectors.messages_for(chief2).filter(pk=other.pk).exists()
    assert not selectors.messages_for(chief1).filter(pk=other.pk).exists()
    assert selectors.messages_for(operator).filter(pk=message.pk).exists()
    assert not Complaint.objects.exists()


def test_conduct_message_page_is_not_found_for_the_station(record, operator, chief1, client):
    message = record("از رفتار ستوان احمدی انتقاد دارم")
    services.confirm_message(by=operator, message=message, msg_class="criticism", topic="conduct")
    client.force_login(chief1)
    assert client.get(reverse("feedback:message", args=[message.pk])).status_code == 404
    page = client.get(reverse("feedback:dashboard")).content.decode()
    assert "احمدی" not in page


def test_a_complaint_becomes_a_station_complaint_with_a_tracking_code_by_sms(
    record, operator, outbox, django_capture_on_commit_callbacks
):
    message = record(
        "از پذیرش کلانتری شکایت دارم، مدارکم را گم کردند",
        caller_name="مریم احمدی",
        caller_mobile="09121234567",
        caller_national_code=VALID_NATIONAL_CODE,
    )
    with django_capture_on_commit_callbacks(execute=True):
        message = services.confirm_message(
            by=operator, message=message, msg_class="complaint", topic="station"
        )
    run_background_tasks()
    complaint = message.complaint
    assert complaint.unit.code == "HM01K01" and complaint.channel == "line197"
    assert message.outcome == "referred"
    assert any(to == "09121234567" and "رهگیری" in text for to, text in outbox)


def test_appreciation_naming_an_officer_reaches_the_record(record, operator, chief1):
    message = record("از سروان رضایی تشکر می‌کنم", officer=chief1)
    services.confirm_message(
        by=operator, message=message, msg_class="appreciation", topic="conduct"
    )
    thanks = Commendation.objects.get(officer=chief1)
    assert thanks.source == Commendation.Source.FEEDBACK_197 and thanks.reference == str(message)


def test_a_message_is_classified_once(record, operator):
    message = record()
    services.confirm_message(
        by=operator, message=message, msg_class="appreciation", topic="traffic"
    )
    with pytest.raises(ValidationError):
        services.confirm_message(
            by=operator, message=message, msg_class="complaint", topic="traffic"
        )


def test_overdue_call_backs_are_listed_until_called(record, operator, settings):
    settings.FEEDBACK_CALLBACK_HOURS = 2
    message = record(caller_mobile="۰۹۱۲۱۱۱۲۲۳۳")
    assert message.caller_mobile == "09121112233"
    later = timezone.now() + timedelta(hours=3)
    assert list(selectors.overdue_callbacks(operator, now=later)) == [message]
    services.record_callback(by=operator, message=message, answer="راضی بود")
    assert not selectors.overdue_callbacks(operator, now=later).exists()


def test_corrections_are_used_in_retraining(record, operator):
    message = record("یک متن مبهم درباره نظام وظیفه و معافیت")
    services.confirm_message(by=operator, message=message, msg_class="suggestion", topic="other")
    shipped, confirmed = services.train_classifier(by=operator)
    assert shipped >= 2000 and confirmed == 1


def test_the_desk_records_and_confirms(client, operator, org_tree):
    client.force_login(operator)
    response = client.post(
        reverse("feedback:desk"),
        {"channel": "phone", "text": "از گشت شبانه محله ممنونیم", "unit": org_tree["HM01K01"].pk},
    )
    message = FeedbackMessage.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("feedback:message", args=[message.pk])).content.decode()
    assert 'id="suggestion"' in page
    client.post(
        reverse("feedback:confirm", args=[message.pk]),
        {"msg_class": "appreciation", "topic": "patrol"},
    )
    message.refresh_from_db()
    assert message.msg_class == "appreciation" and message.confirmed_by == operator


def test_the_gateway_posts_an_sms_with_a_token(client, operator, org_tree):
    _token, raw = people_services.create_token(by=None, user=operator, name="gateway")
    response = client.post(
        "/api/feedback/sms",
        {"sender": "+989121234567", "text": "از کلانتری ۱۱ ممنونم", "station": "HM01K01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201, response.content
    assert FeedbackMessage.objects.get().caller_mobile == "09121234567"


def test_the_public_form_takes_an_anonymous_message(client, org_tree):
    response = client.post(
        reverse("feedback:public"),
        {"text": "پیشنهاد دارم ساعت کاری کلانتری بیشتر شود", "unit": org_tree["HM01K01"].pk},
    )
    assert response.status_code == 200
    message = FeedbackMessage.objects.get()
    assert message.channel == "web" and message.caller_name == ""


def test_the_public_form_is_rate_limited_like_the_portal(client, org_tree, settings):
    settings.ONLINE_FILING_RATE = "2/h"
    data = {"text": "پیشنهاد دارم گشت بیشتر شود", "unit": org_tree["HM01K01"].pk}
    statuses = [client.post(reverse("feedback:public"), data).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert FeedbackMessage.objects.count() == 2
