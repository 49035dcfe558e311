"""A conduct report on the 197 line opens an inspection case that the station never sees."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kalantar.feedback import services as feedback
from kalantar.feedback.models import FeedbackMessage
from kalantar.inspection import selectors
from kalantar.inspection.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _model_in_tmp(settings, tmp_path_factory):
    settings.VAR_DIR = tmp_path_factory.getbasetemp() / "feedback-model"


@pytest.fixture
def operator(make_user):
    return make_user("op197", "feedback_operator", "HM")


def _conduct_message(operator, station, officer=None) -> FeedbackMessage:
    intake = feedback.Intake(
        text="از رفتار مأمور پذیرش با من شکایت دارم، توهین کرد",
        unit=station,
        channel="phone",
        caller_name="مریم رضایی",
        caller_mobile="09121234567",
        officer=officer,
    )
    message = feedback.record_message(by=operator, intake=intake)
    return feedback.confirm_message(
        by=operator, message=message, msg_class="complaint", topic="conduct"
    )


def test_a_197_conduct_complaint_becomes_a_case_of_the_provinces_office(
    org_tree, operator, inspector, accused, chief1
):
    message = _conduct_message(operator, org_tree["HM01K01"], officer=accused)
    case = Case.objects.get(source_kind=Case.Source.LINE_197)
    assert case.source_reference == str(message)
    assert case.accused_officer == accused and case.station == org_tree["HM01K01"]
    assert case.complainant_mobile == "09121234567"
    assert selectors.cases_for(inspector).filter(pk=case.pk).exists()
    assert not selectors.cases_for(chief1).exists()
    assert not selectors.cases_for(accused).exists()


def test_no_inspection_office_means_the_confirmation_changes_nothing(org_tree, operator):
    org_tree["HMINS"].is_active = False
    org_tree["HMINS"].save()
    message = feedback.record_message(
        by=operator,
        intake=feedback.Intake(
            text="از رفتار مأمور گشت انتقاد دارم", unit=org_tree["HM01K01"], channel="phone"
        ),
    )
    with pytest.raises(ValidationError):
        feedback.confirm_message(
            by=operator, message=message, msg_class="criticism", topic="conduct"
        )
    assert not Case.objects.exists()
    message.refresh_from_db()
    assert message.confirmed_at is None
