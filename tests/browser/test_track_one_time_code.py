"""In a browser: after failed look-ups of a tracking code, the owner gets in with the code
sent by SMS, typed in Persian digits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from kalantar.complaints import services
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.core import sms
from kalantar.core.sms import LocmemSmsBackend
from tests.background import run_background_tasks

from .test_portal import _persian

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_BACKEND = "kalantar.core.sms.LocmemSmsBackend"
    settings.STATUS_LOOKUP_FAILURES_BEFORE_SMS = "2/h"
    sms._backend.cache_clear()
    LocmemSmsBackend.outbox.clear()
    cache.clear()
    yield LocmemSmsBackend.outbox
    sms._backend.cache_clear()
    LocmemSmsBackend.outbox.clear()
    cache.clear()


def _look_up(page, base: str, code: str, secret: str) -> None:
    page.goto(f"{base}/track/")
    page.fill("#id_code", code)
    page.fill("#id_secret", secret)
    page.click("#track-form button[type=submit]")


def test_the_owner_gets_in_with_the_sms_code_after_failures(
    live_server,
    page,
    org_tree,
    sms_outbox,
):
    complaint = services.file_complaint(
        by=None,
        channel="online",
        draft=ComplaintDraft(
            category=Category.objects.get(code="home-burglary"),
            incident_at=timezone.now() - timedelta(hours=3),
            summary="سرقت از منزل",
            narrative="دیشب در غیاب ما درب منزل را شکسته و طلاها را برده‌اند.",
            complainant_name="علی رضایی",
            national_code="0499370899",
            mobile="09121234567",
            lon=48.55,
            lat=34.85,
        ),
    )
    for _ in range(2):
        _look_up(page, live_server.url, complaint.tracking_code, "0012345679")
        page.wait_for_selector("#not-found")

    _look_up(page, live_server.url, complaint.tracking_code, "۰۴۹۹۳۷۰۸۹۹")
    page.wait_for_selector("#one-time-code")
    assert page.locator("#complaint-status").count() == 0
    run_background_tasks()
    to, text = sms_outbox[-1]  # after the receipt's SMS, the one-time code
    assert to == "09121234567"
    one_time_code = re.search(r"\b(\d{6})\b", text).group(1)

    page.fill("#id_otp", _persian(one_time_code))
    page.click("#otp-form button[type=submit]")
    page.wait_for_selector("#complaint-status")
    assert page.locator("#timeline [data-status='registered']").count() == 1
