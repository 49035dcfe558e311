"""The station's pages: work queue (filters, search, bulk assignment), timeline, dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kalantar.complaints import selectors, services, workflow
from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.selectors import CappedPaginator
from kalantar.core.models import AuditEntry
from tests.complaints.conftest import INSIDE_K02


@pytest.fixture
def chief(make_user):
    return make_user("chief", "station_chief", "HM01K01")


@pytest.fixture
def officer(make_user):
    return make_user("officer", "desk_officer", "HM01K01")


def codes_in(response) -> set[str]:
    html = response.content.decode()
    return {c.tracking_code for c in Complaint.objects.all() if c.tracking_code in html}


def persian(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_queue_filters_by_status_category_officer_and_overdue(file, chief, officer, client):
    noise = Category.objects.get(code="noise")
    fresh = file()
    assigned = file(summary="سرقت دوم")
    services.assign_complaints(by=chief, complaints=[assigned], officer=officer)
    noisy = file(category=noise, summary="سروصدای کارگاه")
    late = file(
        now=timezone.now() - timedelta(days=3), incident_at=timezone.now() - timedelta(days=4)
    )
    client.force_login(chief)
    queue = reverse("complaints:queue")
    assert codes_in(client.get(queue)) == {
        fresh.tracking_code,
        assigned.tracking_code,
        noisy.tracking_code,
        late.tracking_code,
    }
    assert codes_in(client.get(queue, {"status": "assigned"})) == {assigned.tracking_code}
    assert codes_in(client.get(queue, {"category": "noise"})) == {noisy.tracking_code}
    assert codes_in(client.get(queue, {"officer": "officer"})) == {assigned.tracking_code}
    assert assigned.tracking_code not in codes_in(client.get(queue, {"officer": "none"}))
    overdue = client.get(queue, {"overdue": "1"})
    assert codes_in(overdue) == {late.tracking_code}
    assert "table-danger" in overdue.content.decode()


def test_queue_search_accepts_persian_arabic_letters_and_persian_digits(file, chief, client):
    gold = file(summary="سرقت طلا از منزل", narrative="کیف و طلاها را از کمد برده‌اند.")
    car = file(summary="سرقت خودرو", narrative="خودروی پژو از جلوی منزل برده شد.")
    client.force_login(chief)
    queue = reverse("complaints:queue")
    # Arabic kaf and yeh, as some keyboards type them, find the Persian text.
    assert codes_in(client.get(queue, {"q": "كيف"})) == {gold.tracking_code}
    assert codes_in(client.get(queue, {"q": "پژو منزل"})) == {car.tracking_code}
    typed = persian(f"{car.tracking_code[:3]}-{car.tracking_code[3:]}")
    assert codes_in(client.get(queue, {"q": typed})) == {car.tracking_code}
    assert codes_in(client.get(queue, {"q": "۰۹۱۲۱۲۳۴۵۶۷"})) == {
        gold.tracking_code,
        car.tracking_code,
    }


def test_bulk_assignment_assigns_the_chosen_and_audits_each(file, chief, officer, client):
    first, second, untouched = file(), file(), file()
    client.force_login(chief)
    response = client.post(
        reverse("complaints:assign"),
        {"codes": [first.tracking_code, second.tracking_code], "officer": "officer"},
        follow=True,
    )
    assert response.status_code == 200
    for complaint in (first, second):
        complaint.refresh_from_db()
        assert complaint.assigned_to == officer and complaint.status == workflow.ASSIGNED
    untouched.refresh_from_db()
    assert untouched.assigned_to is None and untouched.status == workflow.REGISTERED
    assert AuditEntry.objects.filter(action="complaints.assign").count() == 2


def test_bulk_assignment_refuses_an_officer_of_another_station(file, chief, make_user, client):
    complaint = file()
    make_user("stranger", "desk_officer", "HM01K02")
    client.force_login(chief)
    client.post(
        reverse("complaints:assign"), {"codes": [complaint.tracking_code], "officer": "stranger"}
    )
    complaint.refresh_from_db()
    assert complaint.assigned_to is None and complaint.status == workflow.REGISTERED


def test_another_stations_codes_in_a_bulk_assignment_are_ignored(file, make_user, client):
    mine = file()
    theirs = file(**INSIDE_K02)
    chief = make_user("chief", "station_chief", "HM01K01")
    make_user("officer", "desk_officer", "HM01K01")
    client.force_login(chief)
    client.post(
        reverse("complaints:assign"),
        {"codes": [mine.tracking_code, theirs.tracking_code], "officer": "officer"},
    )
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert mine.assigned_to is not None and theirs.assigned_to is None


def test_the_detail_page_shows_the_timeline_and_records_the_read(file, chief, officer, client):
    complaint = file()
    services.assign_complaints(by=chief, complaints=[complaint], officer=officer)
    services.change_status(
        by=chief, complaint=complaint, to_status=workflow.INVESTIGATING, note="بازدید از محل"
    )
    client.force_login(chief)
    html = client.get(reverse("complaints:detail", args=[complaint.tracking_code])).content
    html = html.decode()
    assert "بازدید از محل" in html
    assert html.index("ثبت") < html.index("بازدید از محل")
    assert AuditEntry.objects.filter(action="complaints.read", actor=chief).exists()


def test_a_status_change_the_workflow_forbids_shows_a_persian_error(file, chief, client):
    complaint = file()
    client.force_login(chief)
    response = client.post(
        reverse("complaints:change_status", args=[complaint.tracking_code]),
        {"to_status": workflow.CLOSED},
        follow=True,
    )
    complaint.refresh_from_db()
    assert complaint.status == workflow.REGISTERED
    assert "نمی‌تواند" in response.content.decode() or "cannot" in response.content.decode()


def test_dashboard_counts_medians_overdue_and_satisfaction(file, chief, officer, client):
    start = timezone.now() - timedelta(days=10)
    incident = start - timedelta(hours=1)
    quick = file(now=start, incident_at=incident)
    slow = file(now=start, incident_at=incident)
    services.assign_complaints(
        by=chief, complaints=[quick], officer=officer, now=start + timedelta(hours=2)
    )
    services.assign_complaints(
        by=chief, complaints=[slow], officer=officer, now=start + timedelta(hours=6)
    )
    for status, days in ((workflow.INVESTIGATING, 1), (workflow.RESOLVED, 2), (workflow.CLOSED, 4)):
        services.change_status(
            by=chief, complaint=quick, to_status=status, now=start + timedelta(days=days)
        )
    quick.refresh_from_db()
    services.rate_complaint(complaint=quick, score=4)
    file(now=start, incident_at=incident)  # never touched: overdue for its first action
    board = selectors.dashboard(chief)
    assert board.total == 3 and board.open == 2 and board.overdue == 1
    assert board.median_hours_to_first_action == pytest.approx(4.0)
    assert board.median_days_to_finish == pytest.approx(2.0)
    assert board.median_days_to_close == pytest.approx(4.0)
    assert board.satisfaction == 4 and board.rated == 1
    client.force_login(chief)
    html = client.get(reverse("complaints:dashboard")).content.decode()
    assert 'id="median-first-action">۴' in html
    assert 'id="overdue-count">۱' in html


def test_conduct_complaints_stay_out_of_the_accused_stations_pages(file, chief, make_user, client):
    conduct = file(
        category=Category.objects.get(code="officer-conduct"), accused_officer="ستوان احمدی"
    )
    ordinary = file()
    client.force_login(chief)
    assert codes_in(client.get(reverse("complaints:queue"), {"status": "all"})) == {
        ordinary.tracking_code
    }
    assert client.get(reverse("complaints:detail", args=[conduct.tracking_code])).status_code == 404
    assert selectors.dashboard(chief).total == 1
    inspector = make_user("inspector", "inspector", "HMINS")
    client.force_login(inspector)
    assert conduct.tracking_code in codes_in(client.get(reverse("complaints:queue")))


def test_an_admin_edits_the_categories_and_new_deadlines_apply(org_tree, make_user, client, file):
    admin = make_user("admin", "sysadmin", "IR")
    client.force_login(admin)
    response = client.post(
        reverse("admin:complaints_category_add"),
        {
            "code": "cyber-blackmail",
            "name": "اخاذی اینترنتی",
            "name_en": "Online blackmail",
            "route": "station",
            "first_action_hours": "6",
            "closure_days": "20",
            "sort_order": "5",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    category = Category.objects.get(code="cyber-blackmail")
    assert category.name == "اخاذی اینترنتی"
    filed = file(category=category)
    assert filed.first_action_due - filed.filed_at == timedelta(hours=6)
    desk = make_user("desk", "desk_officer", "HM01K01")
    client.force_login(desk)
    assert "اخاذی اینترنتی" in client.get(reverse("complaints:new")).content.decode()


@pytest.mark.parametrize("unit_list_limit", [0, 8])
def test_both_forms_of_the_scope_see_the_same_complaints(file, make_user, unit_list_limit):
    k01, k02 = file(), file(**INSIDE_K02)
    malayer = file(lon=48.85, lat=34.25)
    county = make_user("county", "county_commander", "HM01")
    desk = make_user("desk", "desk_officer", "HM01K01")
    original = type(Complaint.objects.all()).UNIT_LIST_LIMIT
    type(Complaint.objects.all()).UNIT_LIST_LIMIT = unit_list_limit
    try:
        assert set(Complaint.objects.visible_to(county)) == {k01, k02}
        assert set(Complaint.objects.visible_to(desk)) == {k01}
    finally:
        type(Complaint.objects.all()).UNIT_LIST_LIMIT = original
    assert malayer.unit.code == "HM02K01"


def test_a_long_queue_says_more_than_its_cap(file, chief, client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 3)
    for _ in range(5):
        file()
    client.force_login(chief)
    html = client.get(reverse("complaints:queue")).content.decode()
    assert "۳" in html.split('id="queue-count">')[1][:200]
    assert "بیش از" in html or "More than" in html
    file_count = client.get(reverse("complaints:queue"), {"category": "noise"}).content.decode()
    assert "بیش از" not in file_count and "More than" not in file_count


def test_dashboard_speed_covers_the_recent_window_and_counts_cover_everything(file, chief, officer):
    old_start = timezone.now() - timedelta(days=200)
    old = file(now=old_start, incident_at=old_start - timedelta(hours=1))
    services.assign_complaints(
        by=chief, complaints=[old], officer=officer, now=old_start + timedelta(days=9)
    )
    recent_start = timezone.now() - timedelta(days=5)
    recent = file(now=recent_start, incident_at=recent_start - timedelta(hours=1))
    services.assign_complaints(
        by=chief, complaints=[recent], officer=officer, now=recent_start + timedelta(hours=3)
    )
    board = selectors.dashboard(chief)
    assert board.total == 2 and board.by_status[workflow.ASSIGNED] == 2
    assert board.median_hours_to_first_action == pytest.approx(3.0)
