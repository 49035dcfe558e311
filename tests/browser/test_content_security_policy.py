"""Every page runs under the Content-Security-Policy: the pages people use most load in
Chromium with no CSP violation reported and no script error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.alarms import services as alarm_services
from kalantar.alarms.models import Alarm, Subscriber
from kalantar.analytics.models import SurgeAlert
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.complaints.services import file_complaint
from kalantar.core.jalali import tehran_today
from kalantar.incidents import services as incident_services
from kalantar.incidents.importer import import_text
from kalantar.org.models import Unit
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts run outside the page's policy, before any of its scripts.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watcher:
    """What a page reported: CSP violations (event and console) and uncaught errors."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"console: {message.text}")

    def visit(self, url: str, ready: str | None = None) -> None:
        response = self.page.goto(url, wait_until="load")
        assert response.status == 200, (url, response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "unsafe-eval" not in policy, (url, policy)
        if ready:
            self.page.wait_for_selector(ready, state="attached")
        # Give the page's scripts time to fetch their data and draw (maps, charts, queues).
        self.page.wait_for_timeout(600)
        for violation in self.page.evaluate("window.__csp"):
            self.problems.append(f"{url}: {violation}")

    def assert_clean(self) -> None:
        assert self.problems == []


def _data(org_tree, desk):
    """A complaint, sixty days of incidents with a surge, a patrol unit and an open alarm."""
    station = Unit.objects.get(code="HM01K01")
    complaint = file_complaint(
        by=desk,
        channel="desk",
        draft=ComplaintDraft(
            category=Category.objects.get(code="home-burglary"),
            incident_at=timezone.now() - timedelta(hours=3),
            summary="سرقت از منزل",
            narrative="دیشب درب منزل را شکستند و طلاها را بردند.",
            complainant_name="علی رضایی",
            national_code="0499370899",
            mobile="09121234567",
            lon=48.55,
            lat=34.85,
        ),
    )
    yesterday = tehran_today() - timedelta(days=1)
    lines = ["occurred_at,category,lat,lon"]
    for back in range(0, 60):
        day = yesterday - timedelta(days=back)
        lines.append(f"{day.isoformat()}T10:00:00+03:30,fraud,34.85,48.5{back % 9 + 1}")
    import_text("\n".join(lines) + "\n")

    incident_services.add_patrol_unit(
        by=None, station=station, call_sign="11-1", lon=48.55, lat=34.85
    )
    SurgeAlert.objects.create(
        station=station,
        category="fraud",
        day=yesterday,
        current=14,
        baseline_mean=3.0,
        z=4.0,
        p=1e-5,
    )
    alarm_services.create_subscriber(
        by=None,
        data=alarm_services.SubscriberInput(
            name="طلافروشی <b>نمونه</b>",
            kind="shop",
            lon=48.55,
            lat=34.85,
            accounts=["1234"],
            supervision_minutes=5,
            keyholders=[("علی رضایی", "09121234567")],
        ),
    )
    alarm_services.mark_receiver_started(name="test")
    Subscriber.objects.update(next_due=0)
    assert alarm_services.supervision_sweep() == 1
    return complaint


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_citizen_pages_run_under_the_policy(live_server, page, org_tree):
    watcher = Watcher(page)
    for path in ["/", "/login/", "/complaint/", "/track/", "/help/"]:
        watcher.visit(live_server.url + path)
    watcher.visit(f"{live_server.url}/transparency/?unit=HM", ready="#cells-map .leaflet-pane")
    watcher.assert_clean()


def test_the_staff_pages_run_under_the_policy(live_server, browser, page, make_user):
    desk = make_user("desk", "desk_officer", "HM01K01")
    make_user("chief", "station_chief", "HM01K01")
    complaint = _data(None, desk)
    watcher = Watcher(page)
    _login(page, live_server, "chief")
    base = live_server.url
    watcher.visit(f"{base}/")
    watcher.visit(f"{base}/complaints/", ready="#queue-rows")
    watcher.visit(f"{base}/complaints/{complaint.tracking_code}/")
    watcher.visit(f"{base}/complaints/{complaint.tracking_code}/receipt/")
    alarm = Alarm.objects.get()
    watcher.visit(f"{base}/alarms/", ready="#queue tr")
    watcher.visit(f"{base}/alarms/{alarm.pk}/")
    watcher.visit(f"{base}/incidents/")
    watcher.visit(f"{base}/incidents/board/")
    watcher.visit(f"{base}/analytics/morning/", ready="#hotspot-map[data-ready='1']")
    watcher.visit(f"{base}/analytics/compstat/", ready="#trend-chart[data-ready='1']")
    watcher.visit(f"{base}/analytics/hotspots/", ready="#hotspot-map[data-ready='1']")
    watcher.visit(f"{base}/analytics/surges/")
    watcher.visit(f"{base}/problems/")
    watcher.visit(f"{base}/map/")

    # The desk officer's intake form, with its map and date picker.
    desk_page = browser.new_context(locale="fa-IR").new_page()
    desk_watcher = Watcher(desk_page)
    _login(desk_page, live_server, "desk")
    desk_watcher.visit(f"{base}/complaints/new/", ready="#picker-map path.leaflet-interactive")
    desk_page.click("#id_incident_at")
    desk_page.keyboard.press("Escape")
    desk_page.context.close()

    watcher.assert_clean()
    desk_watcher.assert_clean()


def test_an_injected_inline_script_is_refused_and_reported(live_server, page, db):
    watcher = Watcher(page)
    watcher.visit(f"{live_server.url}/login/")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true"; document.body.appendChild(s); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in page.evaluate("window.__csp"))
