"""The console in a real Chromium: a panel's frame through the real receiver appears in the
queue without reload; the operator acknowledges, dispatches and resolves; a silent panel
shows up as "communication lost"."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import sync_playwright

from kalantar.alarms import services, sia
from kalantar.alarms.models import Alarm, ReceiverStatus, Subscriber
from kalantar.incidents.models import Incident
from kalantar.incidents.services import add_patrol_unit
from tests.alarms.helpers import raise_alarm
from tests.browser.conftest import CHROMIUM
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason="no Chromium on this machine"),
]


@pytest.fixture(scope="module")
def chromium():
    """Chromium for this module only: Playwright's sync API keeps an event loop in the main
    thread while it runs, which must be gone before other tests call asyncio.run()."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield instance
        instance.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_alarm_from_a_panel_is_acknowledged_dispatched_and_resolved(
    live_server, page, live_receiver, make_subscriber, make_user, org_tree, tmp_path
):
    make_subscriber("1234", name="طلافروشی نگین")
    make_subscriber("2222", name="منزل ساکت", supervision_minutes=5)
    add_patrol_unit(by=None, station=org_tree["HM01K01"], call_sign="گشت ۱۱-۱")
    make_user("op", "alarm_operator", "HM")
    rx = live_receiver.start()
    login(page, live_server, "op")
    page.goto(f"{live_server.url}/alarms/")
    page.wait_for_selector("#live-state.text-bg-success")
    assert page.locator(".alarm-row").count() == 0

    # A burglary frame through the real receiver shows up without a reload.
    now = datetime.now(UTC)
    assert rx.exchange(
        sia.build(token="SIA-DCS", seq=1, account="1234", data="Nri1/BA003", timestamp=now)
    ) == [b'"ACK"0001R0L0#1234[]']
    page.wait_for_selector(".alarm-row", timeout=5000)
    row = page.locator(".alarm-row").first
    assert "طلافروشی نگین" in row.inner_text() and "سرقت" in row.inner_text()

    row.click()
    page.wait_for_selector("#btn-ack")
    page.click("#btn-ack")
    page.wait_for_selector("#alarm-state:has-text('تأییدشده')")
    assert "۱۱" in page.inner_text("#dispatch-unit") or "11" in page.inner_text("#dispatch-unit")
    page.select_option("#dispatch-unit", index=0)
    page.click("#btn-dispatch")
    page.wait_for_selector("#alarm-incident")
    incident = Incident.objects.get()
    assert incident.station.code == "HM01K01"
    page.select_option("#resolve-outcome", "false_user")
    page.click("#btn-resolve")
    page.wait_for_selector("#alarm-state:has-text('بسته‌شده')")
    alarm = Alarm.objects.get()
    assert alarm.state == Alarm.State.RESOLVED and alarm.outcome == "false_user"
    assert alarm.incident == incident
    page.wait_for_selector(".alarm-row", state="detached")

    # The silent panel: the sweep (as the scheduler runs it) raises communication lost.
    rx.settle()
    later = timezone.now() + timedelta(minutes=7)
    ReceiverStatus.objects.update(alive_at=later)
    Subscriber.objects.filter(accounts__number="2222").update(next_due=int(later.timestamp()) - 1)
    assert services.supervision_sweep(now=later) == 1
    page.wait_for_selector(".alarm-row:has-text('قطع ارتباط')", timeout=5000)
    assert "منزل ساکت" in page.locator(".alarm-row").first.inner_text()
    page.screenshot(path=str(tmp_path / "console.png"), full_page=True)


def test_a_premises_name_written_as_markup_shows_as_text_on_the_map(
    live_server, page, make_subscriber, make_user
):
    name = "<img src=x onerror=window.__xss=true>"  # no digit: shown in Persian ones
    alarm = raise_alarm(make_subscriber("1234", name=name))
    make_user("op", "alarm_operator", "HM")
    login(page, live_server, "op")
    page.goto(f"{live_server.url}/alarms/?alarm={alarm.pk}")
    marker = page.locator("#alarm-map path.leaflet-interactive")
    marker.wait_for(timeout=10000)
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=5000)
    assert tooltip.inner_text() == name
    assert tooltip.locator("img").count() == 0
    assert page.evaluate("window.__xss") is None
