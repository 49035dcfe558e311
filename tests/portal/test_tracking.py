"""Following a complaint by tracking code and national code or mobile, and rating it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation

from kalantar.complaints import selectors, services, workflow
from kalantar.complaints.codes import format_tracking_code, new_tracking_code
from kalantar.complaints.models import ComplaintEvent
from kalantar.core.jalali import format_jalali_datetime
from kalantar.core.models import AuditEntry
from kalantar.portal.forms import RatingForm

from .conftest import MOBILE, OTHER_NATIONAL_CODE, VALID_NATIONAL_CODE, main_block, persian

pytestmark = pytest.mark.django_db

LOOKUP = "complaints.citizen_lookup"


def _track(client: Client, code: str, secret: str):
    return client.post(reverse("portal:track"), {"code": code, "secret": secret})


def _other_code(code: str) -> str:
    while (other := new_tracking_code()) == code:
        pass
    return other


def _fa(message) -> str:
    with translation.override("fa"):
        return str(message)


def test_the_status_page_shows_the_timeline_and_nothing_personal(client, complaint):
    # Typed as on the receipt: Persian digits with dashes.
    response = _track(client, persian(format_tracking_code(complaint.tracking_code)), "۰۴۹۹۳۷۰۸۹۹")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    assert 'data-status="registered"' in html  # the complaint and its first step
    assert _fa(workflow.CITIZEN_TEXT[workflow.REGISTERED]) in html
    assert "کلانتری ۱۱ همدان" in html and "سرقت از منزل" in html
    assert format_jalali_datetime(complaint.filed_at, "fa") in html
    for personal in ("علی رضایی", "۰۴۹۹۳۷۰۸۹۹", VALID_NATIONAL_CODE, MOBILE, "بوعلی", "طلاها"):
        assert personal not in main_block(html)
    assert 'id="rating-form"' not in html  # only closed complaints are rated


def test_the_mobile_number_works_as_well(client, complaint):
    response = _track(client, complaint.tracking_code, "+98 912 123 4567")
    assert 'id="complaint-status"' in response.content.decode()


def test_wrong_code_and_wrong_national_code_look_the_same_and_are_audited(client, complaint):
    wrong_code = _track(client, _other_code(complaint.tracking_code), VALID_NATIONAL_CODE)
    wrong_secret = _track(client, complaint.tracking_code, OTHER_NATIONAL_CODE)
    assert wrong_code.status_code == wrong_secret.status_code == 200
    assert main_block(wrong_code.content.decode()) == main_block(wrong_secret.content.decode())
    assert 'id="not-found"' in wrong_code.content.decode()
    assert complaint.tracking_code not in main_block(wrong_secret.content.decode())

    entries = list(AuditEntry.objects.filter(action=LOOKUP).order_by("seq"))
    assert [e.outcome for e in entries] == ["denied", "denied"]
    assert entries[1].detail["code"] == complaint.tracking_code
    for entry in entries:
        assert OTHER_NATIONAL_CODE not in str(entry.detail)
        assert VALID_NATIONAL_CODE not in str(entry.detail)

    _track(client, complaint.tracking_code, VALID_NATIONAL_CODE)
    ok = AuditEntry.objects.filter(action=LOOKUP).order_by("-seq").first()
    assert ok.outcome == "ok" and ok.object_id == str(complaint.pk)
    assert VALID_NATIONAL_CODE not in str(ok.detail)


def test_a_mistyped_code_is_named_without_a_lookup(client, complaint):
    code = complaint.tracking_code
    mistyped = code[:-1] + str((int(code[-1]) + 1) % 10)  # the check digit catches it
    response = _track(client, mistyped, VALID_NATIONAL_CODE)
    html = response.content.decode()
    assert 'id="id_code-error"' in html and 'id="complaint-status"' not in html
    assert not AuditEntry.objects.filter(action=LOOKUP).exists()


def test_lookups_are_limited_per_address(client, complaint, settings):
    settings.STATUS_LOOKUP_RATE_PER_ADDRESS = "2/h"
    for _ in range(2):
        assert _track(client, complaint.tracking_code, VALID_NATIONAL_CODE).status_code == 200
    before = AuditEntry.objects.count()
    response = _track(client, complaint.tracking_code, VALID_NATIONAL_CODE)
    assert response.status_code == 429
    assert 'id="rate-limited"' in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_lookups_are_limited_per_tracking_code_and_address(complaint, settings):
    settings.STATUS_LOOKUP_RATE_PER_CODE = "2/h"
    stranger = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(2):
        response = _track(stranger, complaint.tracking_code, OTHER_NATIONAL_CODE)
        assert response.status_code == 200
    assert _track(stranger, complaint.tracking_code, VALID_NATIONAL_CODE).status_code == 429
    # The stranger's failures do not lock the owner out from the owner's own address.
    owner = Client(REMOTE_ADDR="10.0.0.3")
    response = _track(owner, complaint.tracking_code, VALID_NATIONAL_CODE)
    assert response.status_code == 200 and 'id="complaint-status"' in response.content.decode()
    other = _other_code(complaint.tracking_code)
    assert _track(stranger, other, VALID_NATIONAL_CODE).status_code == 200


def _rate(client: Client, code: str, secret: str = VALID_NATIONAL_CODE, score: int = 5):
    data = {"code": code, "secret": secret, "score": score, "comment": "برخورد خوب بود"}
    return client.post(reverse("portal:rate"), data)


def _close(complaint, make_user) -> None:
    chief = make_user("chief", "station_chief", "HM01K01")
    services.change_status(
        by=chief, complaint=complaint, to_status=workflow.REJECTED, reason="موضوع حقوقی است"
    )
    services.change_status(by=chief, complaint=complaint, to_status=workflow.CLOSED)


def test_rating_works_only_once_the_complaint_is_closed(client, complaint, make_user):
    response = _rate(client, complaint.tracking_code)
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.satisfaction is None

    _close(complaint, make_user)
    html = _track(client, complaint.tracking_code, VALID_NATIONAL_CODE).content.decode()
    assert 'id="rating-form"' in html
    assert "موضوع حقوقی است" in html  # the reason for rejection is the citizen's to read
    assert 'data-status="rejected"' in html and 'data-status="closed"' in html

    html = _rate(client, complaint.tracking_code, score=4).content.decode()
    complaint.refresh_from_db()
    assert complaint.satisfaction == 4 and complaint.satisfaction_comment == "برخورد خوب بود"
    assert 'id="rated"' in html and 'id="rating-form"' not in html

    _rate(client, complaint.tracking_code, score=1)
    complaint.refresh_from_db()
    assert complaint.satisfaction == 4  # once only


def test_rating_checks_the_code_and_national_code_again(client, complaint, make_user):
    _close(complaint, make_user)
    html = _rate(client, complaint.tracking_code, secret=OTHER_NATIONAL_CODE).content.decode()
    assert 'id="not-found"' in html
    complaint.refresh_from_db()
    assert complaint.satisfaction is None
    denied = AuditEntry.objects.filter(action=LOOKUP).order_by("-seq").first()
    assert denied.outcome == "denied" and denied.detail["purpose"] == "rate"


def test_a_rating_needs_a_score(client, complaint, make_user):
    _close(complaint, make_user)
    response = client.post(
        reverse("portal:rate"), {"code": complaint.tracking_code, "secret": VALID_NATIONAL_CODE}
    )
    html = response.content.decode()
    with translation.override("fa"):
        assert (
            'id="rating-form"' in html
            and translation.gettext("Choose a score from 1 to 5.") in html
        )
    complaint.refresh_from_db()
    assert complaint.satisfaction is None


def test_track_page_rating_form_has_the_markup_of_the_form_widgets(client, complaint, make_user):
    # A citizen's browser gets exactly the fields the form renders, with the code and secret.

    _close(complaint, make_user)
    html = _track(client, complaint.tracking_code, VALID_NATIONAL_CODE).content.decode()
    page = parse_html(main_block(html))
    form = RatingForm(initial={"code": complaint.tracking_code, "secret": VALID_NATIONAL_CODE})
    widgets = [str(form["code"]), str(form["secret"]), str(form["comment"])]
    widgets += [radio.tag() for radio in form["score"]]
    for widget in widgets:
        assert page.count(parse_html(widget)) == 1, widget
    for radio in form["score"]:
        assert f'for="{radio.id_for_label}"' in html
    assert 'for="id_comment"' in html


def test_the_citizen_sees_every_public_step_in_order_and_no_internal_note(complaint, make_user):
    _close(complaint, make_user)
    ComplaintEvent.objects.create(
        complaint=complaint, kind=ComplaintEvent.Kind.NOTE, note="یادداشت داخلی", public=False
    )
    complaint.refresh_from_db()

    view = selectors.citizen_view(complaint.tracking_code, VALID_NATIONAL_CODE)

    shown = complaint.events.filter(public=True).order_by("at", "id")
    assert [(s.kind, s.at, s.to_status) for s in view.events] == [
        (e.kind, e.at, e.to_status) for e in shown
    ]
    assert ComplaintEvent.Kind.NOTE not in {s.kind for s in view.events}
    assert [s.label for s in view.events][-2:] == [
        workflow.status_label(workflow.REJECTED),
        workflow.status_label(workflow.CLOSED),
    ]
    assert (view.status, view.rejection_reason, view.can_rate) == (
        workflow.CLOSED,
        "موضوع حقوقی است",
        True,
    )
    assert (view.filed_at, view.first_action_due, view.closure_due) == (
        complaint.filed_at,
        complaint.first_action_due,
        complaint.closure_due,
    )
    assert view.filed_at.utcoffset() is not None
    assert (view.category, view.unit_name) == (complaint.category.name, complaint.unit.name)
