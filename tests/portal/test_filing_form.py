"""The citizen's online form: every mistake in one round, nothing chosen for them, limits on
free text, and a refused (429) request that keeps what they wrote."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kalantar.complaints.models import Complaint

from .conftest import form_data, persian

pytestmark = pytest.mark.django_db

PERSIAN_LETTERS = set("ابپتثجچحخدذرزسشصضطظعغفقکگلمنوهی")


def _is_persian(message: str) -> bool:
    return bool(PERSIAN_LETTERS & set(message))


def test_no_category_is_chosen_for_the_citizen(client, org_tree):
    page = client.get(reverse("portal:file")).content.decode()
    assert '<option value="" selected>' in page


def test_every_mistake_is_reported_in_the_first_round(client, org_tree):
    data = form_data(summary="", complainant_name="", national_code="", lat="", lon="")
    response = client.post(reverse("portal:file"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    for field in ("summary", "complainant_name", "national_code", "lat"):
        assert errors.get(field) and _is_persian(errors[field][0]), (field, errors)
    assert Complaint.objects.count() == 0


def test_an_endless_narrative_is_refused_with_a_persian_message(client, org_tree):
    response = client.post(reverse("portal:file"), form_data(narrative="ب" * 100_000))
    errors = response.context["form"].errors["narrative"]
    assert _is_persian(errors[0]) and persian("6000") in errors[0]
    assert client.get(reverse("portal:confirm"))["Location"] == reverse("portal:file")


def test_the_confirmation_page_wraps_long_words(client, org_tree):
    word = "ب" * 5000
    response = client.post(reverse("portal:file"), form_data(narrative=word))
    assert response.status_code == 302
    page = client.get(reverse("portal:confirm")).content.decode()
    assert 'class="row mb-0 free-text"' in page and 'id="draft-narrative"' in page


def test_a_refused_form_keeps_what_the_citizen_wrote(client, org_tree, settings):
    settings.ONLINE_FILING_RATE = "1/h"  # the form itself may be sent 4 times an hour
    for _ in range(4):
        client.post(reverse("portal:file"), form_data(summary=""))
    response = client.post(reverse("portal:file"), form_data(summary="دزدی دوچرخه از حیاط خانه"))
    assert response.status_code == 429
    page = response.content.decode()
    assert 'id="rate-limited"' in page and 'id="form-kept"' in page
    assert "دزدی دوچرخه از حیاط خانه" in page and "علی رضایی" in page
    assert 'id="form-errors"' not in page  # kept as typed, not checked
    assert Complaint.objects.count() == 0


def test_a_refused_confirmation_keeps_the_draft(client, org_tree, settings):
    settings.ONLINE_FILING_RATE = "1/h"
    other = client.__class__()
    # The address's one filing of the hour is used by another citizen's complaint.
    assert client.post(reverse("portal:file"), form_data()).status_code == 302
    assert other.post(reverse("portal:file"), form_data()).status_code == 302
    assert other.post(reverse("portal:confirm")).status_code == 302
    response = client.post(reverse("portal:confirm"))
    assert response.status_code == 429
    page = response.content.decode()
    assert 'id="rate-limited"' in page and "سرقت طلا از منزل" in page
    assert 'id="confirm-form"' in page
    assert Complaint.objects.count() == 1
