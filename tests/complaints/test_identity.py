"""Analysts see complaints as patterns: a stable pseudonym, never the complainant's identity."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from kalantar.complaints import selectors
from kalantar.complaints.identity import pseudonym, pseudonym_number
from kalantar.core.jalali import tehran_today
from kalantar.people.services import create_token
from kalantar.problems import services as problem_services
from kalantar.problems.drafts import ProblemDraft

from .conftest import VALID_NATIONAL_CODE

NAME = "علی رضایی"
MOBILE = "09121234567"
ADDRESS = "همدان، خیابان بوعلی، کوچه ۱۲، پلاک ۷"
# What the identity looks like on a Persian page, and raw.
IDENTITY_MARKS = (NAME, "۰۴۹۹۳۷۰۸۹۹", VALID_NATIONAL_CODE, "۰۹۱۲۱۲۳۴۵۶۷", MOBILE, "بوعلی")


@pytest.fixture
def people(make_user):
    return {
        "chief": make_user("chief", "station_chief", "HM01K01"),
        "analyst": make_user("analyst", "analyst", "HM"),
    }


@pytest.fixture
def filed(file, people):
    first = file(complainant_address=ADDRESS)
    second = file(summary="سرقت دوباره از منزل", complainant_address=ADDRESS)
    return first, second


def _page(client, user, url, **params) -> str:
    client.force_login(user)
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 200, url
    return response.content.decode()


def _api(client, user, url, **params):
    _token, raw = create_token(by=None, user=user)
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_chief_sees_the_identity_on_the_complaint_page(client, people, filed):
    page = _page(
        client, people["chief"], reverse("complaints:detail", args=[filed[0].tracking_code])
    )
    assert NAME in page and "۰۴۹۹۳۷۰۸۹۹" in page and "۰۹۱۲۱۲۳۴۵۶۷" in page and "بوعلی" in page


def test_analyst_sees_a_stable_pseudonym_instead_of_the_identity(client, people, filed):
    shown = []
    for complaint in filed:
        for name in ("detail", "receipt"):
            page = _page(
                client,
                people["analyst"],
                reverse(f"complaints:{name}", args=[complaint.tracking_code]),
            )
            assert not [mark for mark in IDENTITY_MARKS if mark in page], name
        with translation.override("fa"):
            shown.append(pseudonym(VALID_NATIONAL_CODE))
        assert shown[-1] in page
    # The same complainant, the same pseudonym: repeats still show as repeats.
    assert shown[0] == shown[1] and shown[0].startswith("شاکی ")
    queue = _page(client, people["analyst"], reverse("complaints:queue"))
    assert not [mark for mark in IDENTITY_MARKS if mark in queue]


def test_pseudonym_depends_on_the_secret_key(settings):
    number = pseudonym_number(VALID_NATIONAL_CODE)
    assert number == pseudonym_number(VALID_NATIONAL_CODE)
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert pseudonym_number(VALID_NATIONAL_CODE) != number
    assert pseudonym_number("0499370898") != ""


def test_analyst_cannot_search_by_national_code_mobile_or_name(client, people, filed):
    for q in (VALID_NATIONAL_CODE, "۰۴۹۹۳۷۰۸۹۹", MOBILE):
        page = _page(client, people["analyst"], reverse("complaints:queue"), q=q, status="")
        assert "نقش شما اجازهٔ جستجو" in page and filed[0].tracking_code not in page
    by_name = _page(client, people["analyst"], reverse("complaints:queue"), q="رضایی", status="")
    assert filed[0].tracking_code not in by_name
    # What happened is still searchable, and so is a tracking code.
    by_word = _page(client, people["analyst"], reverse("complaints:queue"), q="دوباره", status="")
    assert filed[1].tracking_code in by_word
    by_code = _page(
        client, people["analyst"], reverse("complaints:queue"), q=filed[0].tracking_code, status=""
    )
    assert reverse("complaints:detail", args=[filed[0].tracking_code]) in by_code
    # The chief still finds a complainant by national code.
    chief = _page(
        client, people["chief"], reverse("complaints:queue"), q=VALID_NATIONAL_CODE, status=""
    )
    assert reverse("complaints:detail", args=[filed[0].tracking_code]) in chief


def test_api_gives_analysts_pseudonyms_and_refuses_identity_searches(client, people, filed):
    listed = _api(client, people["analyst"], "/api/complaints", status="")
    assert listed.status_code == 200
    body = listed.content.decode()
    assert not [mark for mark in IDENTITY_MARKS if mark in body]
    ids = {item["complainant_pseudonym"] for item in listed.json()["items"]}
    assert ids == {pseudonym_number(VALID_NATIONAL_CODE)}
    one = _api(client, people["analyst"], f"/api/complaints/{filed[0].tracking_code}")
    assert one.status_code == 200 and NAME not in one.content.decode()
    refused = _api(client, people["analyst"], "/api/complaints", q=VALID_NATIONAL_CODE)
    assert refused.status_code == 403
    assert (
        _api(client, people["chief"], "/api/complaints", q=VALID_NATIONAL_CODE).json()["count"] == 2
    )


def test_a_pseudonymised_complaint_is_never_saved(people, filed):
    complaint = selectors.detail(people["analyst"], filed[0].tracking_code)
    assert complaint.national_code == "" and complaint.complainant_name == ""
    with pytest.raises(ValueError):
        complaint.save()
    filed[0].refresh_from_db()
    assert filed[0].national_code == VALID_NATIONAL_CODE
    chiefs = selectors.detail(people["chief"], filed[0].tracking_code)
    assert chiefs.complainant_name == NAME


def test_repeat_victims_of_a_project_are_pseudonyms_for_analysts(client, org_tree, people, filed):
    problem = problem_services.open_problem(
        by=people["chief"],
        unit=org_tree["HM01K01"],
        origin="complaints",
        complaints=list(filed),
        draft=ProblemDraft(
            title="سرقت‌های تکراری", period_start=tehran_today(), period_end=tehran_today()
        ),
    )
    url = reverse("problems:detail", args=[problem.number])
    analyst = _page(client, people["analyst"], url)
    with translation.override("fa"):
        assert pseudonym(VALID_NATIONAL_CODE) in analyst
    assert "۰۸۹۹" not in analyst and "0899" not in analyst
    chief = _page(client, people["chief"], url)
    assert "۰۸۹۹" in chief
