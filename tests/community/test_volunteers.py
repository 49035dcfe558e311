"""Volunteers: registration, vetting before any duty, the hours ledger, and who sees what."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kalantar.community import services
from kalantar.community.models import Assignment, HoursEntry, HoursRefused, Volunteer
from kalantar.core.models import AuditEntry
from kalantar.people import services as people_services
from tests.community.conftest import national_code
from tests.conftest import PASSWORD, control_classes

pytestmark = pytest.mark.django_db


def test_a_volunteer_is_registered_from_the_form_with_a_drawn_area(client, chief1, group1):
    client.force_login(chief1)
    response = client.post(
        reverse("community:volunteer_new"),
        {
            "full_name": "زينب رحيمي",  # Arabic letter forms
            "national_code": "".join("۰۱۲۳۴۵۶۷۸۹"[int(d)] for d in national_code(7)),
            "mobile": "۰۹۱۲۱۲۳۴۵۶۷",
            "programme": "watch",
            "group": group1.pk,
            "area": '{"type": "Polygon", "coordinates": [[[48.55, 34.85], [48.56, 34.85], '
            "[48.56, 34.86], [48.55, 34.85]]]}",
        },
    )
    volunteer = Volunteer.objects.get()
    assert response.status_code == 302
    assert volunteer.full_name == "زینب رحیمی"
    assert volunteer.national_code == national_code(7) and volunteer.mobile == "09121234567"
    assert volunteer.cells and volunteer.station.code == "HM01K01"


def test_a_bad_national_code_is_refused_and_nothing_is_saved(client, chief1, group1):
    client.force_login(chief1)
    response = client.post(
        reverse("community:volunteer_new"),
        {
            "full_name": "الف",
            "national_code": "1234567890",
            "mobile": "09121234567",
            "programme": "watch",
            "group": group1.pk,
        },
    )
    assert response.status_code == 200
    assert "کد ملی" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_volunteer_without_a_vetting_answer_cannot_be_assigned(
    client, chief1, group1, make_volunteer
):
    volunteer = make_volunteer(group1, vetted=False)
    client.force_login(chief1)
    url = reverse("community:assign", args=[volunteer.pk])
    response = client.post(url, {"title": "گشت شبانه", "starts_on": "1405/09/10"})
    assert response.status_code == 400
    assert "استعلام سوابق او پاسخی ندارد" in response.content.decode()
    assert not Assignment.objects.exists()
    # Requested but unanswered is still no answer.
    services.request_check(by=chief1, volunteer=volunteer)
    assert client.post(url, {"title": "گشت شبانه", "starts_on": "1405/09/10"}).status_code == 400
    assert not Assignment.objects.exists()


def test_a_volunteer_not_cleared_cannot_be_assigned(chief1, group1, make_volunteer):
    volunteer = make_volunteer(group1, vetted=False)
    services.request_check(by=chief1, volunteer=volunteer)
    services.answer_check(
        by=chief1, volunteer=volunteer, answer="not_cleared", letter="", references=""
    )
    with pytest.raises(ValidationError):
        services.assign(by=chief1, volunteer=volunteer, title="گشت", starts_on=timezone.localdate())


def test_a_vetted_volunteer_is_assigned_and_the_act_audited(client, chief1, group1, make_volunteer):
    volunteer = make_volunteer(group1)
    client.force_login(chief1)
    response = client.post(
        reverse("community:assign", args=[volunteer.pk]),
        {"title": "گشت شبانه", "starts_on": "1405/09/10"},
    )
    assert response.status_code == 302
    assert Assignment.objects.get().volunteer == volunteer
    assert AuditEntry.objects.filter(action="community.assigned").count() == 1


def test_hours_are_approved_or_declined_never_deleted(chief1, group1, make_volunteer):
    volunteer = make_volunteer(group1)
    day = timezone.localdate() - timedelta(days=1)
    kept = services.log_hours(
        by=chief1, volunteer=volunteer, worked_on=day, hours=Decimal("3"), note="گشت"
    )
    declined = services.log_hours(
        by=chief1, volunteer=volunteer, worked_on=day, hours=Decimal("9"), note="?"
    )
    services.decide_hours(by=chief1, entry=kept, approve=True)
    with pytest.raises(ValidationError):  # a decline says why
        services.decide_hours(by=chief1, entry=declined, approve=False)
    services.decide_hours(by=chief1, entry=declined, approve=False, note="بدون گزارش")
    with pytest.raises(ValidationError):  # decided once
        services.decide_hours(by=chief1, entry=kept, approve=False, note="x")
    with pytest.raises(HoursRefused):
        kept.delete()
    with pytest.raises(HoursRefused):
        HoursEntry.objects.all().delete()
    statuses = sorted(HoursEntry.objects.values_list("status", flat=True))
    assert statuses == ["approved", "declined"]


def test_the_ledger_page_offers_no_deletion(client, chief1, group1, make_volunteer):
    volunteer = make_volunteer(group1)
    entry = services.log_hours(
        by=chief1,
        volunteer=volunteer,
        worked_on=timezone.localdate(),
        hours=Decimal("2"),
        note="گشت",
    )
    client.force_login(chief1)
    html = client.get(reverse("community:hours")).content.decode()
    page = html[html.index("<main") :]  # the menu may name other apps' deletion pages
    assert "هرگز پاک نمی‌شوند" in page and "حذف" not in page
    response = client.post(
        reverse("community:hours_decide", args=[entry.pk]), {"decision": "delete"}
    )
    assert response.status_code == 302  # anything but "approve" is a decline, which needs a reason
    entry.refresh_from_db()
    assert entry.status == "waiting"


@pytest.mark.parametrize(("hours", "days_ago"), [("0", 1), ("25", 1), ("2", -1)])
def test_impossible_hours_are_refused(chief1, group1, make_volunteer, hours, days_ago):
    volunteer = make_volunteer(group1)
    with pytest.raises(ValidationError):
        services.log_hours(
            by=chief1,
            volunteer=volunteer,
            hours=Decimal(hours),
            note="x",
            worked_on=timezone.localdate() - timedelta(days=days_ago),
        )
    assert not HoursEntry.objects.exists()


def test_stations_see_only_their_own_volunteers_and_groups(
    client, chief1, chief2, group1, group2, make_volunteer
):
    mine = make_volunteer(group1, "مهدی کرمی")
    theirs = make_volunteer(group2, "سعید نادری", by=chief2)
    client.force_login(chief2)
    html = client.get(reverse("community:volunteers")).content.decode()
    assert "سعید نادری" in html and "مهدی کرمی" not in html
    assert client.get(reverse("community:volunteer", args=[mine.pk])).status_code == 404
    assert client.get(reverse("community:group", args=[group1.pk])).status_code == 404
    assert (
        client.post(reverse("community:assign", args=[mine.pk]), {"title": "x"}).status_code == 404
    )
    groups_html = client.get(reverse("community:groups")).content.decode()
    assert "همیاران خضر" in groups_html and "نگهبانان مدرس" not in groups_html
    assert client.get(reverse("community:volunteer", args=[theirs.pk])).status_code == 200


def test_the_county_sees_both_stations(client, county_user, group1, group2, make_volunteer, chief2):
    make_volunteer(group1, "مهدی کرمی")
    make_volunteer(group2, "سعید نادری", by=chief2)
    client.force_login(county_user)
    html = client.get(reverse("community:volunteers")).content.decode()
    assert "سعید نادری" in html and "مهدی کرمی" in html


@pytest.fixture
def volunteer_login(client, chief1, group1, make_volunteer):
    volunteer = make_volunteer(group1, "مهدی کرمی")
    user = people_services.add_user(
        by=None, username="vol", role="volunteer", unit_code="HM01K01", password=PASSWORD
    )
    services.link_account(by=chief1, volunteer=volunteer, user=user)
    client.force_login(user)
    return volunteer


def test_a_volunteer_sees_only_their_group(client, volunteer_login, group1, make_volunteer):
    make_volunteer(group1, "زینب رحیمی")
    other_group = services.add_group(
        by=None, neighbourhood=group1.neighbourhood, name="گروه دوم", programme="watch"
    )
    make_volunteer(other_group, "حمید صالحی")
    html = client.get(reverse("community:me")).content.decode()
    assert "زینب رحیمی" in html and "مهدی کرمی" in html
    assert "حمید صالحی" not in html
    for name in ("community:volunteers", "community:groups", "community:hours", "community:alerts"):
        assert client.get(reverse(name)).status_code == 403


def test_a_volunteer_logs_their_own_hours(client, volunteer_login):
    response = client.post(
        reverse("community:me_hours"),
        {"worked_on": "1405/09/10", "hours": "۲٫۵", "note": "گشت شبانه"},
    )
    assert response.status_code == 302
    entry = HoursEntry.objects.get()
    assert entry.volunteer == volunteer_login and entry.hours == Decimal("2.5")
    assert entry.status == "waiting"


def test_staff_without_a_volunteer_record_have_no_volunteer_page(client, chief1):
    client.force_login(chief1)
    assert client.get(reverse("community:me")).status_code == 403


def test_the_registry_searches_filters_and_pages(client, chief1, group1, make_volunteer):
    for n in range(30):
        make_volunteer(group1, f"داوطلب {n:02d}", vetted=n % 2 == 0)
    client.force_login(chief1)
    first = client.get(reverse("community:volunteers")).content.decode()
    assert "next-page" in first
    waiting = client.get(reverse("community:volunteers"), {"vetting": "none"}).content.decode()
    assert waiting.count("text-bg-secondary") == 15
    found = client.get(reverse("community:volunteers"), {"q": "داوطلب ۰۷"}).content.decode()
    assert "داوطلب 07" in found and "داوطلب 08" not in found
    empty = client.get(reverse("community:volunteers"), {"q": "ناموجود"}).content.decode()
    assert "داوطلبی با این شرایط پیدا نشد" in empty


def test_the_registry_filters_are_small_controls(client, chief1, group1):
    client.force_login(chief1)
    classes = control_classes(client.get(reverse("community:volunteers")).content.decode())
    assert classes["group"] == classes["vetting"] == ["form-select", "form-select-sm"]
    assert classes["q"] == ["form-control", "form-control-sm"]


def test_every_registry_filter_offers_all_by_the_same_word(client, chief1, group1):
    client.force_login(chief1)
    page = client.get(reverse("community:volunteers")).content.decode()
    for name in ("group", "programme", "vetting"):
        start = page.index(f'name="{name}"')
        first = page[page.index("<option", start) : page.index("</option>", start)]
        assert first.endswith(">همه"), (name, first)
    assert "---------" not in page
