"""Files of projects and referrals: opened by staff who may see the record, and by the
agency through its own answer link only; every opening audited."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import segno
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from kalantar.core.jalali import tehran_today
from kalantar.core.models import AuditEntry
from kalantar.core.uploads import UploadedFile
from kalantar.problems import links, services
from kalantar.problems.models import Referral


def png() -> bytes:
    out = io.BytesIO()
    segno.make("lamp").save(out, kind="png", scale=2)
    return out.getvalue()


def _token(referral: Referral) -> str:
    return links.answer_url(referral).rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def answered(referral):
    services.answer_referral(
        token=_token(referral),
        status="in_progress",
        responder="مهندس رحیمی",
        files=[UploadedFile("lamp.png", "image/png", png())],
    )
    return referral


def test_project_files_open_for_its_station_only(client, problem, chief, other_chief):
    services.update_analysis(
        by=chief,
        problem=problem,
        offender_notes="",
        victim_notes="",
        place_notes="",
        analysis_summary="",
        files=[UploadedFile("map.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")],
    )
    attachment = problem.attachments.get()
    client.force_login(chief)
    page = client.get(reverse("problems:detail", args=[problem.number])).content.decode()
    assert f'href="{attachment.get_absolute_url()}"' in page
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(other_chief)
    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert AuditEntry.objects.filter(action="files.open").count() == 1


def test_a_renamed_program_is_refused_in_an_agencys_answer(referral):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64
    with pytest.raises(ValidationError) as exc:
        services.answer_referral(
            token=_token(referral),
            status="in_progress",
            responder="الف",
            files=[UploadedFile("lamp.jpg", "image/jpeg", exe)],
        )
    assert "files" in exc.value.message_dict
    referral.refresh_from_db()
    assert referral.status == "sent" and not referral.attachments.exists()


def test_staff_open_the_agencys_evidence_and_another_station_cannot(
    client, answered, chief, other_chief
):
    attachment = answered.attachments.get()
    client.force_login(chief)
    page = client.get(reverse("problems:referral", args=[answered.reference])).content.decode()
    assert f'href="{attachment.get_absolute_url()}"' in page
    assert client.get(attachment.get_absolute_url())["Content-Type"] == "image/png"
    client.force_login(other_chief)
    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert Client().get(attachment.get_absolute_url()).status_code == 302  # to the login


def test_the_agency_opens_its_referrals_files_through_its_link_only(answered, problem, chief):
    token = _token(answered)
    attachment = answered.attachments.get()
    agency = Client()
    page = agency.get(reverse("problems:answer", args=[token])).content.decode()
    url = reverse("problems:answer_file", args=[token, attachment.pk])
    assert f'href="{url}"' in page
    response = agency.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png()
    assert response["X-Content-Type-Options"] == "nosniff"
    entry = AuditEntry.objects.get(action="files.open")
    assert entry.actor is None and entry.detail["via"] == "link"

    # Another referral's file is not reachable through this link.
    other = services.send_referral(
        by=chief,
        problem=problem,
        agency=answered.agency,
        subject="دوم",
        evidence="شواهد",
        ask="درخواست",
        deadline=tehran_today() + timedelta(days=3),
    )
    services.answer_referral(
        token=_token(other),
        status="in_progress",
        responder="ب",
        files=[UploadedFile("other.png", "image/png", png())],
    )
    foreign = other.attachments.get()
    assert agency.get(reverse("problems:answer_file", args=[token, foreign.pk])).status_code == 404
    # Nor with the staff address, nor once the station has closed the referral.
    assert agency.get(attachment.get_absolute_url()).status_code == 302
    services.answer_referral(token=token, status="done", responder="الف")
    services.close_referral(by=chief, referral=Referral.objects.get(pk=answered.pk))
    assert agency.get(url).status_code == 403
    assert AuditEntry.objects.filter(action="files.open").count() == 1


@pytest.mark.django_db(transaction=True)
def test_existing_referrals_get_their_own_public_tokens(referral, municipality, chief):
    second = services.send_referral(
        by=chief,
        problem=referral.problem,
        agency=municipality,
        subject="دوم",
        evidence="شواهد",
        ask="درخواست",
        deadline=tehran_today() + timedelta(days=3),
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("problems", "0002_attachments_in_shared_store")])
    executor.loader.build_graph()
    executor.migrate([("problems", "0003_referral_public_token")])
    tokens = set(Referral.objects.values_list("public_token", flat=True))
    assert len(tokens) == 2 and all(len(t) >= 22 for t in tokens)
    assert {referral.public_token, second.public_token}.isdisjoint(tokens)  # given anew
