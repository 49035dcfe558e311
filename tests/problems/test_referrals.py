"""Referrals: sending, the agency's answer through its signed link, follow-up and scoping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from kalantar.core.jalali import tehran_today
from kalantar.core.models import AuditEntry
from kalantar.problems import links, selectors, services
from kalantar.problems.models import Referral, ReferralAttachment

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _token(referral: Referral) -> str:
    return links.answer_url(referral).rstrip("/").rsplit("/", 1)[1]


def test_referral_is_numbered_emailed_and_audited(referral, django_capture_on_commit_callbacks):
    assert referral.reference.startswith("R-HM01K01-")
    assert referral.status == "sent"
    assert AuditEntry.objects.filter(action="problems.referral.send", object_id=str(referral.pk))
    # The e-mail leaves after the commit (the fixture's transaction is the test's own).
    with django_capture_on_commit_callbacks(execute=True):
        services.send_referral(
            by=None,
            problem=referral.problem,
            agency=referral.agency,
            subject="دوم",
            evidence="شواهد",
            ask="درخواست",
            deadline=tehran_today() + timedelta(days=3),
        )
    message = mail.outbox[-1]
    assert set(message.to) == {"city@hamedan.example", "rahimi@hamedan.example"}
    assert "/referral/answer/" in message.body
    sent = Referral.objects.get(subject="دوم")
    assert f"/referral/status/{sent.public_token}/" in message.body
    assert "/referral/R-HM01K01-" not in message.body


@pytest.mark.parametrize("missing", ["agency", "deadline"])
def test_referral_without_agency_or_deadline_is_refused_and_nothing_is_stored(
    problem, municipality, chief, missing
):
    fields = {
        "agency": municipality,
        "deadline": tehran_today() + timedelta(days=5),
    }
    fields[missing] = None
    with pytest.raises(ValidationError) as error:
        services.send_referral(
            by=chief, problem=problem, subject="موضوع", evidence="شواهد", ask="درخواست", **fields
        )
    assert missing in error.value.message_dict
    assert Referral.objects.count() == 0


def test_referral_form_shows_the_error_in_persian_and_sends_nothing(client, problem, chief):
    client.force_login(chief)
    url = reverse("problems:refer", args=[problem.number])
    response = client.post(url, {"subject": "روشنایی", "evidence": "x", "ask": "y"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "سازمانی را که ارجاع برایش فرستاده می‌شود انتخاب کنید" in html
    assert "مهلتی برای پاسخ تعیین کنید" in html
    assert Referral.objects.count() == 0


def test_agency_answers_through_its_link_with_evidence(client, referral):
    token = _token(referral)
    url = reverse("problems:answer", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and referral.subject in page.content.decode()
    response = client.post(
        url,
        {
            "status": "done",
            "responder": "مهندس رحیمی، معاون خدمات شهری",
            "note": "۱۲ چراغ تعمیر شد",
            "files": [SimpleUploadedFile("lamp.png", PNG, content_type="image/png")],
        },
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == "done" and referral.answered_at is not None
    assert ReferralAttachment.objects.get(referral=referral).original_name == "lamp.png"
    entry = AuditEntry.objects.get(action="problems.referral.answer", object_id=str(referral.pk))
    assert entry.detail["to"] == "done" and entry.detail["via"] == "link"
    assert entry.detail["responder"].startswith("مهندس رحیمی")


def test_altered_link_shows_a_persian_message_and_changes_nothing(client, referral):
    token = _token(referral)
    altered = ("B" if token[0] != "B" else "C") + token[1:]  # the signed payload changed
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("problems:answer", args=[altered]), {"status": "done", "responder": "x"}
    )
    assert response.status_code == 403
    assert "این پیوند معتبر نیست" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "sent" and AuditEntry.objects.count() == before


def test_expired_link_shows_a_persian_message_and_changes_nothing(client, referral, settings):
    token = _token(referral)
    settings.REFERRAL_LINK_DAYS = -1
    response = client.post(
        reverse("problems:answer", args=[token]), {"status": "done", "responder": "x"}
    )
    assert response.status_code == 403
    assert "این پیوند منقضی شده است" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_link_of_another_referral_cannot_be_forged_from_a_valid_one(referral):
    forged = links.make_token(referral.pk, "guessed-nonce")
    with pytest.raises(links.LinkError):
        selectors.referral_for_link(forged)


def test_declining_needs_a_reason(referral):
    token = _token(referral)
    with pytest.raises(ValidationError) as error:
        services.answer_referral(token=token, status="declined", responder="آقای الف")
    assert "reason" in error.value.message_dict
    referral.refresh_from_db()
    assert referral.status == "sent"
    services.answer_referral(
        token=token, status="declined", responder="آقای الف", reason="خارج از وظایف ما"
    )
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.declined_reason == "خارج از وظایف ما"


def test_closing_revokes_the_link(referral, chief):
    token = _token(referral)
    services.answer_referral(token=token, status="done", responder="آقای الف")
    with pytest.raises(ValidationError):
        services.answer_referral(token=token, status="in_progress", responder="آقای الف")
    services.close_referral(by=chief, referral=Referral.objects.get(pk=referral.pk))
    with pytest.raises(links.LinkError):
        selectors.referral_for_link(token)


def test_reminders_overdue_and_escalation(referral, django_capture_on_commit_callbacks):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.follow_up_referrals(now=now) == (0, 0, 0)
        reminded = services.follow_up_referrals(now=now + timedelta(days=9))
    assert reminded == (1, 0, 0)
    assert "یادآوری" in mail.outbox[-1].subject
    # Only once.
    assert services.follow_up_referrals(now=now + timedelta(days=9, hours=2)) == (0, 0, 0)
    assert services.follow_up_referrals(now=now + timedelta(days=12)) == (0, 1, 0)
    referral.refresh_from_db()
    assert referral.status == "overdue" and referral.escalation == Referral.Escalation.COUNTY
    assert services.follow_up_referrals(now=now + timedelta(days=15)) == (0, 0, 0)
    assert services.follow_up_referrals(now=now + timedelta(days=20)) == (0, 0, 1)
    referral.refresh_from_db()
    assert referral.escalation == Referral.Escalation.PROVINCE
    # An overdue referral can still be answered; the answer is late.
    services.answer_referral(token=_token(referral), status="done", responder="آقای الف")
    referral.refresh_from_db()
    assert referral.status == "done"


def test_responsiveness_counts_on_time_late_and_declined(referral, municipality, problem):
    late = services.send_referral(
        by=None,
        problem=problem,
        agency=municipality,
        subject="دوم",
        evidence="e",
        ask="a",
        deadline=tehran_today(),
    )
    declined = services.send_referral(
        by=None,
        problem=problem,
        agency=municipality,
        subject="سوم",
        evidence="e",
        ask="a",
        deadline=tehran_today() + timedelta(days=3),
    )
    services.answer_referral(token=_token(referral), status="done", responder="الف")
    services.answer_referral(token=_token(declined), status="declined", responder="ب", reason="ج")
    Referral.objects.filter(pk=late.pk).update(sent_at=timezone.now() - timedelta(days=4))
    late.refresh_from_db()
    services.answer_referral(token=_token(late), status="done", responder="د")
    Referral.objects.filter(pk=late.pk).update(answered_at=timezone.now() + timedelta(days=2))
    (row,) = selectors.responsiveness(Referral.objects.select_related("agency"))
    assert (row.received, row.answered, row.on_time, row.declined) == (3, 3, 2, 1)
    assert row.median_days == pytest.approx(0, abs=0.01)


def test_a_station_cannot_see_another_stations_referrals(client, referral, other_chief, chief):
    client.force_login(other_chief)
    assert client.get(reverse("problems:referral", args=[referral.reference])).status_code == 404
    assert client.get(reverse("problems:letter", args=[referral.reference])).status_code == 404
    detail = reverse("problems:detail", args=[referral.problem.number])
    assert client.get(detail).status_code == 404
    assert referral.reference not in client.get(reverse("problems:list")).content.decode()
    client.force_login(chief)
    assert referral.reference in client.get(reverse("problems:list")).content.decode()


def test_letter_has_reference_and_qr_to_the_public_status(client, referral, chief):
    client.force_login(chief)
    html = client.get(reverse("problems:letter", args=[referral.reference])).content.decode()
    assert html.count('class="referral-qr"') == 2
    assert f"/referral/status/{referral.public_token}/" in html
    client.logout()
    public = client.get(f"/referral/status/{referral.public_token}/")
    assert public.status_code == 200
    text = public.content.decode()
    assert "شهرداری همدان" in text and referral.evidence not in text


def test_the_reference_alone_opens_no_public_page(client, referral):
    """References are sequential: knowing one (or guessing the next) shows nothing."""
    assert client.get(f"/referral/{referral.reference}/").status_code == 404
    assert client.get(f"/referral/status/{referral.reference}/").status_code == 404
    assert len(referral.public_token) >= 22
    other = services.send_referral(
        by=None,
        problem=referral.problem,
        agency=referral.agency,
        subject="دوم",
        evidence="شواهد",
        ask="درخواست",
        deadline=tehran_today() + timedelta(days=3),
    )
    assert other.public_token != referral.public_token


def test_county_command_sees_the_responsiveness_view(client, referral, county):
    services.answer_referral(token=_token(referral), status="done", responder="الف")
    client.force_login(county)
    response = client.get(reverse("problems:responsiveness"))
    assert response.status_code == 200
    assert "شهرداری همدان" in response.content.decode()
