"""After repeated failures for a tracking code, the status page also asks for a one-time code
sent by SMS to the complaint's mobile: strangers cannot lock the owner out, and a stranger who
knows the national code learns nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from kalantar.complaints import services, workflow
from kalantar.complaints.codes import new_tracking_code
from kalantar.core import sms
from kalantar.core.models import AuditEntry, Task
from kalantar.core.sms import LocmemSmsBackend
from kalantar.portal import one_time
from tests.background import run_background_tasks

from .conftest import MOBILE, OTHER_NATIONAL_CODE, VALID_NATIONAL_CODE, main_block

pytestmark = pytest.mark.django_db

STRANGERS = 12  # more than the old limit of ten failures per code, which locked the owner out


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_BACKEND = "kalantar.core.sms.LocmemSmsBackend"
    settings.STATUS_LOOKUP_FAILURES_BEFORE_SMS = "3/h"
    sms._backend.cache_clear()
    LocmemSmsBackend.outbox.clear()
    yield
    run_background_tasks()
    sms._backend.cache_clear()
    LocmemSmsBackend.outbox.clear()


def _track(client: Client, code: str, secret: str, otp: str | None = None):
    data = {"code": code, "secret": secret}
    if otp is not None:
        data["otp"] = otp
    return client.post(reverse("portal:track"), data)


def _strangers_fail(code: str, n: int = STRANGERS) -> None:
    for i in range(n):
        stranger = Client(REMOTE_ADDR=f"10.1.0.{i + 1}")
        assert _track(stranger, code, OTHER_NATIONAL_CODE).status_code == 200


def _otp_sms() -> list[tuple[str, str]]:
    """The one-time codes' messages, once the queue ran (the receipt's SMS left aside)."""
    run_background_tasks()
    return [(to, text) for to, text in LocmemSmsBackend.outbox if re.search(r"\b\d{6}\b", text)]


def _sms_codes() -> list[str]:
    return [re.search(r"\b(\d{6})\b", text).group(1) for _to, text in _otp_sms()]


def _without_echo(html: str) -> str:
    """The page without what the visitor typed (carried in hidden fields) or the CSRF token."""
    return re.sub(r'(name="(?:code|secret)"[^>]*?) value="[^"]*"', r"\1", main_block(html))


def test_strangers_cannot_lock_the_owner_out(complaint):
    _strangers_fail(complaint.tracking_code)
    owner = Client(REMOTE_ADDR="10.2.0.1")
    asked = _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert 'id="one-time-code"' in html and 'id="complaint-status"' not in html
    [one_time_code] = _sms_codes()
    assert _otp_sms()[0][0] == MOBILE

    shown = _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE, otp=one_time_code)
    assert 'id="complaint-status"' in shown.content.decode()
    # Verified in this browser: the next look-up needs no other SMS.
    again = _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE)
    assert 'id="complaint-status"' in again.content.decode()
    assert len(_sms_codes()) == 1
    ok = AuditEntry.objects.filter(action="complaints.citizen_lookup", outcome="ok")
    assert ok.filter(detail__one_time_code="checked").exists()


def test_the_code_can_be_typed_in_persian_digits(complaint):
    _strangers_fail(complaint.tracking_code, n=3)
    owner = Client(REMOTE_ADDR="10.2.0.1")
    _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE)
    [one_time_code] = _sms_codes()
    persian = one_time_code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    shown = _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE, otp=persian)
    assert 'id="complaint-status"' in shown.content.decode()


def test_a_right_and_a_wrong_secret_get_the_same_page_and_only_the_owner_an_sms(complaint):
    code = complaint.tracking_code
    _strangers_fail(code, n=3)
    visitor = Client(REMOTE_ADDR="10.3.0.1")
    right = _track(visitor, code, VALID_NATIONAL_CODE).content.decode()
    wrong = _track(visitor, code, OTHER_NATIONAL_CODE).content.decode()
    assert 'id="one-time-code"' in right
    assert _without_echo(right) == _without_echo(wrong)
    # An unknown code with as many failures looks the same too.
    unknown = new_tracking_code()
    _strangers_fail(unknown, n=3)
    other = _track(visitor, unknown, VALID_NATIONAL_CODE).content.decode()
    assert _without_echo(other) == _without_echo(wrong)
    # One SMS, to the owner, for the right secret; asking again sends no second one.
    _track(visitor, code, VALID_NATIONAL_CODE)
    assert [to for to, _text in _otp_sms()] == [MOBILE]


def test_a_stranger_who_knows_the_national_code_gets_nothing(complaint):
    code = complaint.tracking_code
    _strangers_fail(code, n=3)
    stranger = Client(REMOTE_ADDR="10.4.0.1")
    _track(stranger, code, VALID_NATIONAL_CODE)
    [real] = _sms_codes()
    wrong = str((int(real) + 1) % 10**6).zfill(6)
    for _ in range(5):
        response = _track(stranger, code, VALID_NATIONAL_CODE, otp=wrong)
        html = response.content.decode()
        assert 'id="not-found"' in html and 'id="complaint-status"' not in html
    # Five wrong tries use the code up: even the right one no longer opens the page.
    late = _track(stranger, code, VALID_NATIONAL_CODE, otp=real).content.decode()
    assert 'id="complaint-status"' not in late
    # The owner asks again and gets a fresh code that works.
    owner = Client(REMOTE_ADDR="10.2.0.1")
    _track(owner, code, VALID_NATIONAL_CODE)
    fresh = _sms_codes()[-1]
    shown = _track(owner, code, VALID_NATIONAL_CODE, otp=fresh).content.decode()
    assert 'id="complaint-status"' in shown


def test_a_wrong_secret_never_uses_up_the_owners_code(complaint):
    code = complaint.tracking_code
    _strangers_fail(code, n=3)
    owner = Client(REMOTE_ADDR="10.2.0.1")
    _track(owner, code, VALID_NATIONAL_CODE)
    [real] = _sms_codes()
    for i in range(10):
        stranger = Client(REMOTE_ADDR=f"10.5.0.{i + 1}")
        _track(stranger, code, OTHER_NATIONAL_CODE, otp="000000")
    shown = _track(owner, code, VALID_NATIONAL_CODE, otp=real).content.decode()
    assert 'id="complaint-status"' in shown


def test_without_a_mobile_the_owner_is_answered_on_the_secret(complaint):
    complaint.__class__.objects.filter(pk=complaint.pk).update(mobile="")
    _strangers_fail(complaint.tracking_code)
    owner = Client(REMOTE_ADDR="10.2.0.1")
    shown = _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE).content.decode()
    assert 'id="complaint-status"' in shown and not _otp_sms()


def test_the_verified_owner_can_rate(complaint, make_user):
    chief = make_user("chief", "station_chief", "HM01K01")
    services.change_status(
        by=chief, complaint=complaint, to_status=workflow.REJECTED, reason="موضوع حقوقی است"
    )
    services.change_status(by=chief, complaint=complaint, to_status=workflow.CLOSED)
    _strangers_fail(complaint.tracking_code, n=3)
    owner = Client(REMOTE_ADDR="10.2.0.1")
    _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE)
    [one_time_code] = _sms_codes()
    page = _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE, otp=one_time_code)
    assert 'id="rating-form"' in page.content.decode()
    data = {"code": complaint.tracking_code, "secret": VALID_NATIONAL_CODE, "score": 5}
    owner.post(reverse("portal:rate"), data)
    complaint.refresh_from_db()
    assert complaint.satisfaction == 5


def _rows_text() -> str:
    """Everything the task table holds, as text."""
    rows = Task.objects.values_list("name", "arguments", "outcome", "error", "key")
    return json.dumps(list(rows), ensure_ascii=False, default=str)


def test_the_code_goes_through_the_queue_and_never_into_its_table(complaint):
    _strangers_fail(complaint.tracking_code, n=3)
    owner = Client(REMOTE_ADDR="10.2.0.1")
    _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE)
    assert Task.objects.filter(name="portal.one_time_code", status="queued").count() == 1
    sent_by_the_request = [t for _to, t in LocmemSmsBackend.outbox if re.search(r"\b\d{6}\b", t)]
    assert not sent_by_the_request
    [one_time_code] = _sms_codes()  # the worker runs the task
    assert Task.objects.get(name="portal.one_time_code").status == "succeeded"
    assert one_time_code not in _rows_text()
    shown = _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE, otp=one_time_code)
    assert 'id="complaint-status"' in shown.content.decode()


def test_a_one_time_code_task_run_again_sends_one_sms(complaint, settings):
    _strangers_fail(complaint.tracking_code, n=3)
    _track(Client(REMOTE_ADDR="10.2.0.1"), complaint.tracking_code, VALID_NATIONAL_CODE)
    task = Task.objects.get(name="portal.one_time_code")
    [one_time_code] = _sms_codes()
    # A worker that died after the gateway took the SMS: the task runs again.
    one_time.send_code.run(**task.arguments)
    assert len(_otp_sms()) == 1
    # A gateway that takes no message id gets the same code again, never another one.
    settings.SMS_BACKEND = "tests.portal.test_tracking_one_time_code.PlainBackend"
    sms._backend.cache_clear()
    one_time.send_code.run(**task.arguments)
    assert PlainBackend.sent == [(MOBILE, _otp_sms()[0][1])]
    assert one_time_code in PlainBackend.sent[0][1]


class PlainBackend:
    sent: list = []

    def send(self, to: str, text: str) -> None:
        self.sent.append((to, text))


def test_a_wrong_secret_queues_a_task_that_sends_nothing(complaint):
    # The same page and the same queue row as for the owner, so neither tells the secret.
    _strangers_fail(complaint.tracking_code, n=3)
    _track(Client(REMOTE_ADDR="10.3.0.1"), complaint.tracking_code, OTHER_NATIONAL_CODE)
    assert Task.objects.filter(name="portal.one_time_code").count() == 1
    assert not _otp_sms()
