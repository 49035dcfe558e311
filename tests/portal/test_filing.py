"""Filing a complaint online: form, confirmation, receipt; errors and limits change nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kalantar.complaints.codes import format_tracking_code
from kalantar.complaints.models import Category, Complaint
from kalantar.core.models import AuditEntry
from kalantar.core.sms import LocmemSmsBackend, _backend

from .conftest import VALID_NATIONAL_CODE, category_pk, file_online, form_data, persian

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _fa(message: str) -> str:
    with translation.override("fa"):
        return translation.gettext(message)


def _counts() -> tuple[int, int]:
    return Complaint.objects.count(), AuditEntry.objects.count()


def test_the_form_is_public_persian_and_right_to_left(client, org_tree):
    html = client.get(reverse("portal:file")).content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert 'id="complaint-form"' in html and 'id="picker-map"' in html
    assert "سرقت از منزل" in html and "رفتار مأموران" in html  # conduct complaints too


def test_file_confirm_then_the_receipt(client, org_tree):
    response = client.post(reverse("portal:file"), form_data())
    assert response.status_code == 302 and response["Location"] == reverse("portal:confirm")
    assert Complaint.objects.count() == 0  # nothing is filed before the citizen confirms

    page = client.get(reverse("portal:confirm")).content.decode()
    assert "کلانتری ۱۱ همدان" in page  # the station of the point on the map
    assert "سرقت طلا از منزل" in page and "۰۴۹۹۳۷۰۸۹۹" in page

    response = client.post(reverse("portal:confirm"))
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("portal:receipt", args=[complaint.tracking_code])
    assert complaint.channel == Complaint.Channel.ONLINE
    assert complaint.unit.code == "HM01K01" and complaint.national_code == VALID_NATIONAL_CODE
    assert complaint.received_by is None

    receipt = client.get(response["Location"]).content.decode()
    assert persian(format_tracking_code(complaint.tracking_code)) in receipt
    assert '<svg width="' in receipt and 'class="receipt-qr"' in receipt
    assert f"{reverse('portal:track')}?code={complaint.tracking_code}" in receipt
    # Confirming again files nothing more: the draft is gone.
    again = client.post(reverse("portal:confirm"))
    assert again["Location"] == reverse("portal:file") and Complaint.objects.count() == 1


def test_the_receipt_is_only_for_the_session_that_filed_it(client, org_tree):
    complaint = file_online(client)
    url = reverse("portal:receipt", args=[complaint.tracking_code])
    assert client.get(url).status_code == 200
    assert Client().get(url).status_code == 404


def test_attachments_survive_the_confirmation_step(client, org_tree, settings):
    photo = SimpleUploadedFile("door.png", PNG, content_type="image/png")
    response = client.post(reverse("portal:file"), {**form_data(), "attachments": [photo]})
    assert response.status_code == 302
    assert "door.png" in client.get(reverse("portal:confirm")).content.decode()
    client.post(reverse("portal:confirm"))
    attachment = Complaint.objects.get().attachments.get()
    assert attachment.original_name == "door.png" and attachment.size == len(PNG)
    temporary = settings.MEDIA_ROOT / "tmp" / "portal"
    assert not any(temporary.iterdir())  # the waiting copy is removed once filed


def test_a_wrong_attachment_type_is_refused_on_the_form(client, org_tree):
    virus = SimpleUploadedFile("x.exe", b"MZ" * 10, content_type="application/x-msdownload")
    response = client.post(reverse("portal:file"), {**form_data(), "attachments": [virus]})
    assert response.status_code == 200
    assert "x.exe" in response.content.decode()
    assert client.session.get("portal.draft") is None


def test_a_bad_national_code_shows_a_persian_error_and_files_nothing(client, org_tree):
    before = _counts()
    response = client.post(reverse("portal:file"), form_data(national_code="۰۴۹۹۳۷۰۸۹۸"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    error = html.split('id="id_national_code-error"', 1)[1].split("</div>", 1)[0]
    assert _fa("Enter a valid national code.") in error
    assert _counts() == before
    assert client.get(reverse("portal:confirm"))["Location"] == reverse("portal:file")


@pytest.mark.parametrize(
    ("overrides", "error_id", "message"),
    [
        ({"lon": "10", "lat": "10"}, "location-error", "outside every station"),
        ({"is_anonymous": "on"}, "id_is_anonymous-error", "cannot be filed anonymously"),
        ({"narrative": "کوتاه"}, "id_narrative-error", "Describe what happened"),
        ({"incident_at": "1499/01/01 10:00"}, "id_incident_at-error", "in the future"),
        ({"incident_at": "2025/11/01 10:00"}, "id_incident_at-error", "Jalali calendar"),
    ],
)
def test_errors_are_shown_by_field_and_change_nothing(
    client, org_tree, overrides, error_id, message
):
    client.cookies["kalantar_language"] = "en"
    before = _counts()
    response = client.post(reverse("portal:file"), form_data(**overrides))
    assert response.status_code == 200
    field_error = response.content.decode().split(f'id="{error_id}"', 1)[1].split("</div>", 1)[0]
    assert message in field_error
    assert _counts() == before


def test_an_anonymous_noise_report(client, org_tree):
    complaint = file_online(
        client,
        category=category_pk("noise"),
        is_anonymous="on",
        complainant_name="",
        national_code="",
        complainant_address="",
    )
    assert complaint.is_anonymous and complaint.complainant_name == ""
    assert complaint.mobile == "09121234567"  # so the reporter can still follow it


def test_editing_a_draft_keeps_what_was_typed(client, org_tree):
    client.post(reverse("portal:file"), form_data(summary="خلاصه اول"))
    page = client.get(reverse("portal:file") + "?edit=1").content.decode()
    assert 'value="خلاصه اول"' in page
    client.post(reverse("portal:file"), form_data(summary="خلاصه دوم"))
    assert "خلاصه دوم" in client.get(reverse("portal:confirm")).content.decode()
    # Opening a fresh form drops the unconfirmed draft.
    client.get(reverse("portal:file"))
    assert client.get(reverse("portal:confirm"))["Location"] == reverse("portal:file")


def test_filing_is_limited_per_address_counting_only_confirmed_filings(client, org_tree, settings):
    settings.ONLINE_FILING_RATE = "2/h"
    file_online(client)
    file_online(client)
    before = _counts()
    response = client.post(reverse("portal:file"), form_data())
    assert response.status_code == 429
    assert 'id="rate-limited"' in response.content.decode()
    assert '<html lang="fa" dir="rtl">' in response.content.decode()
    assert _counts() == before


def test_a_draft_cannot_be_confirmed_over_the_limit(client, org_tree, settings):
    settings.ONLINE_FILING_RATE = "1/h"
    other = Client()
    assert other.post(reverse("portal:file"), form_data()).status_code == 302
    file_online(client)  # same address: uses up the only filing of the hour
    before = _counts()
    assert other.post(reverse("portal:confirm")).status_code == 429
    assert _counts() == before


def test_form_submissions_have_a_looser_limit(client, org_tree, settings):
    settings.ONLINE_FILING_RATE = "1/h"  # four form submissions an hour
    bad = form_data(national_code="123")
    assert [client.post(reverse("portal:file"), bad).status_code for _ in range(5)] == [
        200,
        200,
        200,
        200,
        429,
    ]


def test_a_problem_found_on_confirming_goes_back_to_the_form(client, org_tree):
    client.post(reverse("portal:file"), form_data())
    Category.objects.filter(code="home-burglary").update(is_active=False)
    client.cookies["kalantar_language"] = "en"
    response = client.post(reverse("portal:confirm"))
    assert response.status_code == 200
    error = response.content.decode().split('id="id_category-error"', 1)[1].split("</div>", 1)[0]
    assert "no longer in use" in error
    assert Complaint.objects.count() == 0


def test_a_draft_whose_files_were_cleaned_up_is_not_filed(client, org_tree, settings):
    photo = SimpleUploadedFile("door.png", PNG, content_type="image/png")
    client.post(reverse("portal:file"), {**form_data(), "attachments": [photo]})
    for path in (settings.MEDIA_ROOT / "tmp" / "portal").iterdir():
        path.unlink()
    response = client.post(reverse("portal:confirm"))
    assert response["Location"] == reverse("portal:file")
    assert Complaint.objects.count() == 0


def test_a_program_renamed_as_a_photo_is_refused_online(client, org_tree):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64
    fake = SimpleUploadedFile("photo.jpg", exe, content_type="image/jpeg")
    response = client.post(reverse("portal:file"), {**form_data(), "attachments": [fake]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "photo.jpg" in html and "پذیرفته نشد" in html
    assert client.session.get("portal.draft") is None


def test_checking_the_form_before_confirmation_writes_nothing(client, org_tree, settings):
    """The step that leads to the confirmation page only checks: no complaint, no audit
    entry and no SMS, not even written and rolled back (a rolled-back audit append still
    takes the chain's lock and, on PostgreSQL, leaves a gap in the ids)."""
    settings.SMS_BACKEND = "kalantar.core.sms.LocmemSmsBackend"
    _backend.cache_clear()
    LocmemSmsBackend.outbox.clear()
    before = _counts()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("portal:file"), form_data())
    assert response["Location"] == reverse("portal:confirm")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and ("complaints_" in q["sql"] or "core_auditentry" in q["sql"])
    ]
    assert writes == []
    assert _counts() == before
    assert LocmemSmsBackend.outbox == []
    _backend.cache_clear()
