"""The 197 desk and the satisfaction survey in a real browser: an operator records a call,
sees the suggestion and confirms it; a citizen answers the survey on a phone, and the link
cannot be used again."""

from __future__ import annotations

import pytest

from kalantar.feedback import services
from kalantar.feedback.models import FeedbackMessage, SurveyAnswer
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _model_in_tmp(settings, tmp_path_factory):
    settings.VAR_DIR = tmp_path_factory.getbasetemp() / "feedback-model"


def test_the_operator_records_and_confirms_a_call(live_server, page, make_user, org_tree):
    operator = make_user("op197", "feedback_operator", "HM")
    log_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/feedback/desk/")
    page.select_option("#id_channel", "phone")
    page.fill("#id_text", "سلام، از گشت شبانه محله شریعتی خیلی ممنونم، دستشان درد نکند")
    page.select_option("#id_unit", str(org_tree["HM01K01"].pk))
    page.fill("#id_caller_mobile", "۰۹۱۲۱۲۳۴۵۶۷")
    page.click("#record")
    page.wait_for_load_state()
    assert "تقدیر" in page.inner_text("#suggestion")
    assert page.input_value("#id_msg_class") == "appreciation"
    page.select_option("#id_topic", "patrol")
    page.click("#confirm")
    page.wait_for_load_state()
    message = FeedbackMessage.objects.get()
    assert (message.msg_class, message.topic) == ("appreciation", "patrol")
    assert message.caller_mobile == "09121234567" and message.callback_due is not None
    page.select_option("#id_outcome", "answered")
    page.click("#close")
    page.wait_for_load_state()
    assert "پاسخ داده شد" in page.inner_text("#outcome")


def test_the_desk_refuses_a_bad_mobile_in_persian(live_server, page, make_user, org_tree):
    operator = make_user("op197", "feedback_operator", "HM")
    log_in(page, live_server, operator.username)
    page.goto(f"{live_server.url}/feedback/desk/")
    page.fill("#id_text", "پیشنهاد دارم")
    page.select_option("#id_unit", str(org_tree["HM01K01"].pk))
    page.fill("#id_caller_mobile", "نمی‌دانم")
    page.click("#record")
    page.wait_for_load_state()
    assert "شماره همراه معتبری" in page.inner_text("#intake-form")
    assert not FeedbackMessage.objects.exists()


def test_a_citizen_answers_the_survey_on_a_phone(live_server, browser, org_tree):
    link = services.send_survey(
        source="feedback", source_id=1, unit=org_tree["HM01K01"], mobile="09121234567"
    )
    context = browser.new_context(
        locale="fa-IR", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    url = f"{live_server.url}/survey/{link.token}/"
    phone.goto(url)
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375  # nothing to scroll sideways on a phone
    for field, value in (
        ("ease_of_contact", "5"),
        ("actions_taken", "4"),
        ("kept_informed", "3"),
        ("treatment", "5"),
        ("whole_experience", "4"),
        ("safety", "a_bit_unsafe"),
    ):
        phone.check(f'input[name="{field}"][value="{value}"]')
    phone.tap("#send-survey")
    phone.wait_for_load_state()
    assert "سپاسگزاریم" in phone.inner_text("#survey-thanks")
    assert SurveyAnswer.objects.get().safety == "a_bit_unsafe"
    phone.goto(url)
    assert "قبلاً" in phone.inner_text("#survey-refused")
    context.close()
