"""Bulk decisions on the registrar's desk: each ticked application decided on its own, the
refused ones named with their reason, nothing outside the registrar's province."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kalantar.core.jalali import tehran_today
from kalantar.security_firms import services
from kalantar.security_firms.models import Guard, VettingCheck

from .conftest import CODES, make_applicant

pytestmark = pytest.mark.django_db


def ready(institution, code: str, **names) -> Guard:
    guard = make_applicant(institution, code, **names)
    for item in VettingCheck.Item.values:
        services.record_check(by=None, guard=guard, item=item, result="passed")
    services.record_training(
        by=None,
        guard=guard,
        course="آموزش پایه",
        hours=40,
        provider="مرکز آموزش",
        completed_on=tehran_today() - timedelta(days=3),
    )
    return guard


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_ticked_applications_are_licensed_and_the_incomplete_one_named(
    client, registrar, institution
):
    done = ready(institution, CODES[1], first_name="مریم", last_name="احمدی")
    pending = make_applicant(institution, CODES[2], first_name="سعید", last_name="نوری")
    client.force_login(registrar)
    response = client.post(
        "/guards/desk/bulk/", {"action": "licence", "guards": [done.pk, pending.pk]}, follow=True
    )
    done.refresh_from_db()
    pending.refresh_from_db()
    assert done.status == "active" and done.licence_number
    assert pending.status == "applicant"
    shown = _messages(response)
    assert "سعید نوری" in shown and "۱ درخواست" in shown


def test_a_bulk_rejection_needs_its_reason(client, registrar, institution):
    guard = make_applicant(institution, CODES[1])
    client.force_login(registrar)
    response = client.post(
        "/guards/desk/bulk/", {"action": "reject", "guards": [guard.pk]}, follow=True
    )
    guard.refresh_from_db()
    assert guard.status == "applicant" and "دلیل" in _messages(response)
    client.post("/guards/desk/bulk/", {"action": "reject", "guards": [guard.pk], "reason": "سابقه"})
    guard.refresh_from_db()
    assert guard.status == "rejected" and guard.status_reason == "سابقه"


def test_another_provinces_application_cannot_be_ticked(
    client, registrar, institution, other_institution
):
    theirs = ready(other_institution, CODES[3])
    client.force_login(registrar)
    client.post("/guards/desk/bulk/", {"action": "licence", "guards": [theirs.pk]})
    theirs.refresh_from_db()
    assert theirs.status == "applicant"
