"""A guard's report becomes the responsible station's incident; the station sees reports by
institution and answers; the institution sees the outcome; bad input stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kalantar.core.jalali import format_jalali_datetime
from kalantar.core.models import AuditEntry
from kalantar.core.persian import to_persian_digits
from kalantar.incidents.models import Incident
from kalantar.security_firms import cooperation, tours
from kalantar.security_firms.models import Guard, GuardReport
from tests.security_firms.field.conftest import desk_user, make_site

pytestmark = pytest.mark.django_db


def _file(guard, site=None, **fields):
    values = {
        "by": None,
        "guard": guard,
        "kind": "theft",
        "narrative": "دو نفر از دیوار انبار بالا رفتند و با دو کارتن کالا گریختند.",
        "occurred_at": timezone.now() - timedelta(minutes=5),
        "channel": GuardReport.Channel.PHONE,
        "site": site,
    }
    return cooperation.file_report(**{**values, **fields})


def _nothing_stored() -> bool:
    return not Incident.objects.exists() and not GuardReport.objects.exists()


def test_a_report_becomes_an_incident_of_the_station_of_the_place(guard, site2, org_tree):
    report = _file(guard, site2)
    incident = report.incident
    assert incident.station == org_tree["HM01K02"]
    assert incident.source == Incident.Source.GUARD_REPORT
    assert incident.category == "shop-burglary"
    assert guard.full_name in incident.narrative and "موسسه نگاهبان الوند" in incident.narrative
    assert not report.overdue
    assert AuditEntry.objects.filter(action="security_firms.report_filed").exists()


def test_the_phones_location_decides_the_station_over_the_sites(guard, site):
    report = _file(guard, site, point=(48.65, 34.85))
    assert report.incident.station.code == "HM01K02"


def test_a_report_later_than_the_guideline_is_marked_late(guard, site):
    report = _file(guard, site, kind="fire", occurred_at=timezone.now() - timedelta(minutes=20))
    assert report.overdue and report.incident.category == "alarm-fire"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"occurred_at": timezone.now() + timedelta(hours=2)}, "occurred_at"),
        ({"narrative": "   "}, "narrative"),
        ({"kind": "gossip"}, "kind"),
        ({"site": None}, "location"),
        ({"point": (10.0, 10.0)}, "location"),
        ({"point": (500.0, 34.0)}, "location"),
    ],
)
def test_bad_reports_are_refused_and_store_nothing(guard, site, fields, field):
    with pytest.raises(ValidationError) as error:
        _file(guard, **{"site": site, **fields})
    assert field in error.value.message_dict
    assert _nothing_stored()


def test_a_site_of_another_institution_is_refused(guard, other_institution, org_tree):
    theirs = make_site(other_institution, org_tree["HM01K01"], 48.52, 34.82, "بانک")
    with pytest.raises(ValidationError) as error:
        _file(guard, theirs)
    assert "site" in error.value.message_dict
    assert _nothing_stored()


def test_a_suspended_guard_cannot_report_for_the_institution(guard, site):
    Guard.objects.filter(pk=guard.pk).update(status=Guard.Status.SUSPENDED)
    guard.refresh_from_db()
    with pytest.raises(ValidationError):
        _file(guard, site)
    assert _nothing_stored()


def test_each_station_sees_and_answers_only_its_own_reports(
    client, guard, site, site2, chief1, chief2
):
    mine, theirs = _file(guard, site), _file(guard, site2)
    client.force_login(chief1)
    page = client.get("/guards/reports/").content.decode()
    assert to_persian_digits(mine.incident.number) in page
    assert to_persian_digits(theirs.incident.number) not in page
    assert client.get(f"/guards/reports/{theirs.pk}/").status_code == 404
    refused = client.post(f"/guards/reports/{theirs.pk}/", {"answer": "دیده شد"})
    assert refused.status_code == 404
    client.force_login(chief2)
    response = client.post(f"/guards/reports/{theirs.pk}/", {"answer": "گشت اعزام شد."})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.answer == "گشت اعزام شد." and theirs.answered_by == chief2
    with pytest.raises(ValidationError):
        cooperation.answer_report(by=chief1, report=theirs, answer="نه")


def test_the_institution_files_from_its_desk_and_sees_the_outcome(
    client, guard, site, chief1, other_institution
):
    desk = desk_user("desk-alvand", guard.institution)
    client.force_login(desk)
    response = client.post(
        "/guards/institution/reports/",
        {
            "guard": guard.pk,
            "kind": "suspicious",
            "site": site.pk,
            "occurred_at": "۱۴۰۵/۰۹/۱۵ ۰۲:۱۰",
            "narrative": "خودرویی بی‌پلاک سه بار دور ساختمان چرخید.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    report = GuardReport.objects.get()
    assert report.channel == GuardReport.Channel.DESK and report.filed_by == desk
    cooperation.answer_report(by=chief1, report=report, answer="پلاک خودرو استعلام شد.")
    page = client.get("/guards/institution/reports/").content.decode()
    assert "پلاک خودرو استعلام شد." in page
    client.force_login(desk_user("desk-amin", other_institution))
    assert (
        "پلاک خودرو استعلام شد." not in client.get("/guards/institution/reports/").content.decode()
    )


def test_a_staff_user_without_an_institution_has_no_institution_desk(client, chief1):
    client.force_login(chief1)
    assert client.get("/guards/institution/reports/").status_code == 404


def test_the_guard_reports_from_the_phone_page(client, guard, site):
    raw = tours.issue_phone(by=None, guard=guard)
    client.get(f"/guards/phone/{raw}/")
    response = client.post(
        "/guards/phone/report/",
        {
            "kind": "violence",
            "site": site.pk,
            "occurred_at": format_jalali_datetime(timezone.now() - timedelta(minutes=3)),
            "narrative": "نزاع دو نفر جلوی در ورودی.",
        },
    )
    report = GuardReport.objects.get()
    assert to_persian_digits(report.incident.number) in response.content.decode()
    assert report.channel == GuardReport.Channel.PHONE and report.filed_by is None
