from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kalantar.complaints import services, workflow
from kalantar.complaints.codes import is_valid_tracking_code
from kalantar.complaints.models import Category, Complaint, ComplaintEvent
from kalantar.core import sms
from kalantar.core.models import AuditEntry
from kalantar.core.sms import LocmemSmsBackend
from kalantar.org.models import Unit
from tests.background import run_background_tasks

from .conftest import INSIDE_HM02, INSIDE_K02


def _errors(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


def test_a_filed_complaint_lands_at_the_station_of_the_place(file):
    complaint = file()
    assert complaint.unit.code == "HM01K01" and complaint.routed_unit.code == "HM01K01"
    assert complaint.status == workflow.REGISTERED
    assert is_valid_tracking_code(complaint.tracking_code)
    assert complaint.first_action_due == complaint.filed_at + timedelta(hours=4)
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="filed", public=True).exists()
    assert AuditEntry.objects.filter(action="complaints.file", object_id=str(complaint.pk)).exists()
    other = file(**INSIDE_HM02)
    assert other.unit.code == "HM02K01"


def test_persian_input_is_normalised(file):
    complaint = file(
        national_code="۰۴۹۹۳۷۰۸۹۹", mobile="+98 912 123 4567", complainant_name="علي  رضايي"
    )
    assert complaint.national_code == "0499370899"
    assert complaint.mobile == "09121234567"
    assert complaint.complainant_name == "علی رضایی"


def test_the_citizen_gets_an_sms_with_the_code(file, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "kalantar.core.sms.LocmemSmsBackend"

    sms._backend.cache_clear()
    LocmemSmsBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaint = file()
    assert run_background_tasks() == 1
    assert LocmemSmsBackend.outbox[-1][0] == "09121234567"
    assert complaint.tracking_code[:3] in LocmemSmsBackend.outbox[-1][1]
    sms._backend.cache_clear()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"national_code": "0499370898"}, "national_code"),
        ({"mobile": "0912"}, "mobile"),
        ({"incident_at": timezone.now() + timedelta(days=1)}, "incident_at"),
        ({"lon": 10.0, "lat": 10.0}, "location"),
        ({"narrative": "کوتاه"}, "narrative"),
        ({"complainant_name": ""}, "complainant_name"),
        ({"is_anonymous": True, "complainant_name": "", "national_code": ""}, "is_anonymous"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(file, overrides, field):
    before = (Complaint.objects.count(), AuditEntry.objects.count())
    with translation.override("fa"), pytest.raises(ValidationError) as exc:
        file(**overrides)
    assert field in _errors(exc)
    assert (Complaint.objects.count(), AuditEntry.objects.count()) == before


def test_attachments_are_checked(file):
    bad_type = services.UploadedFile("virus.exe", "application/x-msdownload", b"MZ" * 10)
    huge = services.UploadedFile("big.jpg", "image/jpeg", b"0" * (5 * 1024 * 1024 + 1))
    for upload in (bad_type, huge):
        with pytest.raises(ValidationError) as exc:
            file(attachments=[upload])
        assert "attachments" in _errors(exc)
    assert Complaint.objects.count() == 0
    ok = file(attachments=[services.UploadedFile("photo.jpg", "image/jpeg", b"\xff\xd8data")])
    attachment = ok.attachments.get()
    assert attachment.size == 6 and len(attachment.sha256) == 64


def test_anonymous_reports_only_where_allowed(file):
    noise = Category.objects.get(code="noise")
    complaint = file(
        category=noise, is_anonymous=True, complainant_name="", national_code="", mobile=""
    )
    assert complaint.is_anonymous and complaint.national_code == ""


def test_desk_override_needs_a_reason(file, make_user):
    desk = make_user("desk", "desk_officer", "HM01")

    k02 = Unit.objects.get(code="HM01K02")
    with pytest.raises(ValidationError) as exc:
        file(by=desk, channel="desk", station=k02)
    assert "override_reason" in _errors(exc)
    complaint = file(by=desk, channel="desk", station=k02, override_reason="شاکی ساکن آن حوزه است")
    assert complaint.unit == k02 and complaint.routed_unit.code == "HM01K01"
    assert complaint.received_by == desk


def test_desk_officer_without_a_map_point_files_for_their_own_station(file, make_user):
    desk = make_user("desk", "desk_officer", "HM01K02")
    complaint = file(by=desk, channel="desk", lat=None, lon=None)
    assert complaint.unit.code == "HM01K02"


def test_conduct_complaints_go_to_inspection_not_the_station(file, make_user):
    conduct = Category.objects.get(code="officer-conduct")
    complaint = file(category=conduct, accused_officer="ستوان احمدی")
    assert complaint.unit.code == "HMINS"
    assert complaint.routed_unit.code == "HM01K01"
    desk = make_user("desk", "desk_officer", "HM01K01")
    chief = make_user("chief", "station_chief", "HM01K01")
    county = make_user("county", "county_commander", "HM01")
    inspector = make_user("inspector", "inspector", "HMINS")
    for user in (desk, chief, county):
        assert not Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists()
    assert Complaint.objects.visible_to(inspector).filter(pk=complaint.pk).exists()


def test_two_stations_never_see_each_others_complaints(file, make_user, client):
    mine = file()
    theirs = file(**INSIDE_K02)
    desk1 = make_user("desk1", "desk_officer", "HM01K01")
    desk2 = make_user("desk2", "desk_officer", "HM01K02")
    assert list(Complaint.objects.visible_to(desk1)) == [mine]
    assert list(Complaint.objects.visible_to(desk2)) == [theirs]
    client.force_login(desk1)
    assert client.get(f"/complaints/{mine.tracking_code}/").status_code == 200
    assert client.get(f"/complaints/{theirs.tracking_code}/").status_code == 404
    assert client.get(f"/complaints/{theirs.tracking_code}/receipt/").status_code == 404
    listing = client.get("/complaints/?status=all").content.decode()
    assert mine.tracking_code in listing and theirs.tracking_code not in listing
