"""The complaint forms' checks: nothing chosen for the person, every mistake reported in one
round, free texts within limits (in the forms and in the services), and no "assigned" status
without an officer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kalantar.complaints import services, text_limits, workflow
from kalantar.complaints.models import Complaint
from tests.complaints.test_desk import field_errors, form, is_persian

PERSIAN_DIGITS = set("۰۱۲۳۴۵۶۷۸۹")


@pytest.fixture
def desk(make_user):
    return make_user("desk", "desk_officer", "HM01K01")


def test_no_category_is_chosen_for_the_officer(desk, client):
    client.force_login(desk)
    page = client.get(reverse("complaints:new")).content.decode()
    assert '<option value="" selected>' in page
    response = client.post(reverse("complaints:new"), form(category=""))
    errors = field_errors(response, "category")
    assert errors and is_persian(errors[0])
    assert Complaint.objects.count() == 0


def test_required_fields_are_marked(desk, client):
    client.force_login(desk)
    page = client.get(reverse("complaints:new")).content.decode()
    for label in ("id_national_code", "id_complainant_name", "id_summary", "id_category"):
        start = page.index(f'for="{label}"')
        assert "required-mark" in page[start : page.index("</label>", start)], label


def test_every_mistake_is_reported_in_the_first_round(desk, client):
    client.force_login(desk)
    response = client.post(
        reverse("complaints:new"),
        form(summary="", complainant_name="", national_code="", lat="30.0", lon="50.0"),
    )
    errors = response.context["form"].errors
    for field in ("summary", "complainant_name", "national_code", "lat"):
        assert errors.get(field) and is_persian(errors[field][0]), (field, errors)
    assert Complaint.objects.count() == 0


def test_a_100000_character_narrative_is_refused_with_a_persian_message(desk, client, file):
    client.force_login(desk)
    response = client.post(reverse("complaints:new"), form(narrative="ب" * 100_000))
    errors = field_errors(response, "narrative")
    assert errors and is_persian(errors[0]) and PERSIAN_DIGITS & set(errors[0])
    assert Complaint.objects.count() == 0
    # The service refuses it too, whatever the way in (the API, Open311).
    with pytest.raises(ValidationError) as refused:
        file(narrative="ب" * (text_limits.NARRATIVE + 1))
    assert "narrative" in refused.value.message_dict
    assert Complaint.objects.count() == 0
    assert file(narrative="ب" * text_limits.NARRATIVE).narrative.startswith("ب")


def test_one_line_fields_over_their_columns_are_refused_by_the_service(file):
    with pytest.raises(ValidationError) as refused:
        file(summary="ب" * 201, complainant_name="ب" * 151, location_text="ب" * 301)
    assert {"summary", "complainant_name", "location_text"} <= set(refused.value.message_dict)
    assert Complaint.objects.count() == 0


def test_assigned_cannot_be_saved_without_an_officer(desk, file, make_user, client):
    complaint = file()
    chief = make_user("chief", "station_chief", "HM01K01")
    with pytest.raises(ValidationError) as refused:
        services.change_status(by=chief, complaint=complaint, to_status=workflow.ASSIGNED)
    assert is_persian(" ".join(refused.value.messages))
    client.force_login(chief)
    client.post(
        reverse("complaints:change_status", args=[complaint.tracking_code]),
        {"to_status": workflow.ASSIGNED},
    )
    complaint.refresh_from_db()
    assert complaint.status == workflow.REGISTERED and complaint.events.count() == 1
    services.assign_complaints(by=chief, complaints=[complaint], officer=desk)
    complaint.refresh_from_db()
    assert complaint.status == workflow.ASSIGNED and complaint.assigned_to == desk


def test_notes_and_comments_have_limits(file, make_user):
    complaint = file()
    chief = make_user("chief", "station_chief", "HM01K01")
    with pytest.raises(ValidationError) as refused:
        services.change_status(
            by=chief,
            complaint=complaint,
            to_status=workflow.REJECTED,
            reason="تکراری",
            note="ب" * (text_limits.NOTE + 1),
        )
    assert "note" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.change_status(
            by=chief, complaint=complaint, to_status=workflow.REJECTED, reason="ب" * 501
        )
    assert "reason" in refused.value.message_dict
    complaint.refresh_from_db()
    assert complaint.status == workflow.REGISTERED
    services.change_status(by=chief, complaint=complaint, to_status=workflow.REJECTED, reason="x")
    services.change_status(by=chief, complaint=complaint, to_status=workflow.CLOSED)
    complaint.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.rate_complaint(
            complaint=complaint, score=4, comment="ب" * (text_limits.COMMENT + 1)
        )
    assert "comment" in refused.value.message_dict
    complaint.refresh_from_db()
    assert complaint.satisfaction is None
