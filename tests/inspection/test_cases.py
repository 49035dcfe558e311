"""Inspection cases: opened from a conduct complaint, moved through the workflow, refused
when the input is wrong, and seen by the province's inspectors only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from kalantar.complaints.models import Category
from kalantar.core.models import AuditEntry
from kalantar.inspection import selectors, services, workflow
from kalantar.inspection.drafts import CaseReport
from kalantar.inspection.models import Case, CaseEvent
from tests import factories

pytestmark = pytest.mark.django_db


def _case(inspector, accused, **extra):
    return services.open_case(
        by=inspector,
        report=CaseReport(
            source_kind="inspector",
            station=accused.unit,
            summary="رفتار تند با مراجعه‌کننده",
            accused_officer=accused,
            **extra,
        ),
    )


def _walk(case, by, *steps):
    for step in steps:
        case = services.take_step(by=by, case=case, step=step)
    return case


FINDING = services.Step("finding", "شاهدان و فیلم هم‌سو بودند", workflow.SUBSTANTIATED)
TO_INVESTIGATION = (services.Step("next"), services.Step("next"))


def test_a_conduct_complaint_filed_at_the_desk_opens_a_case(make_user, accused, inspector):
    desk = make_user("desk1", "desk_officer", "HM01K01")
    complaint = factories.file_complaint(
        by=desk,
        channel="desk",
        category=Category.objects.get(code="officer-conduct"),
        station=desk.unit,
        accused_officer="کامران نیکو",
        mobile="09121234567",
    )
    case = Case.objects.get(tracking_code=complaint.tracking_code)
    assert case.source_kind == Case.Source.CONDUCT_COMPLAINT
    assert case.accused_officer == accused
    assert case.office.code == "HMINS" and case.station.code == "HM01K01"
    assert selectors.case_for(inspector, case.pk) == case


def test_the_station_and_the_officer_never_see_the_case(accused, inspector, chief1, chief2, client):
    case = _case(inspector, accused)
    for user in (chief1, chief2, accused):
        assert selectors.case_for(user, case.pk) is None
        client.force_login(user)
        assert client.get(reverse("inspection:case", args=[case.pk])).status_code in (403, 404)


def test_an_inspector_of_another_province_does_not_see_it(accused, inspector, other_province):
    case = _case(inspector, accused)
    assert selectors.case_for(other_province["inspector"], case.pk) is None
    with pytest.raises(PermissionDenied):
        services.take_step(by=other_province["inspector"], case=case, step=services.Step("next"))


def test_every_read_of_a_case_is_audited(accused, inspector, client):
    case = _case(inspector, accused)
    client.force_login(inspector)
    for _ in range(2):
        response = client.get(reverse("inspection:case", args=[case.pk]))
        assert response.status_code == 200
    reads = AuditEntry.objects.filter(action="inspection.case_viewed", object_id=str(case.pk))
    assert reads.count() == 2


def test_the_workflow_to_closing_with_deadlines(accused, inspector):
    case = _walk(_case(inspector, accused), inspector, *TO_INVESTIGATION, FINDING)
    assert case.status == workflow.FINDING and case.step_due is not None
    case = _walk(case, inspector, services.Step("measure", "دورهٔ آموزشی", measure="training"))
    case = _walk(case, inspector, services.Step("next", "پایان"))
    assert case.status == workflow.CLOSED and case.closed_at and case.step_due is None
    assert list(case.events.values_list("to_status", flat=True)) == workflow.ORDER


def test_a_finding_without_a_reason_is_refused_and_changes_nothing(accused, inspector):
    case = _walk(_case(inspector, accused), inspector, *TO_INVESTIGATION)
    with pytest.raises(ValidationError) as error:
        services.take_step(
            by=inspector, case=case, step=services.Step("finding", "  ", workflow.SUBSTANTIATED)
        )
    assert "دلیل" in str(error.value.message_dict["note"])
    case.refresh_from_db()
    assert case.status == workflow.INVESTIGATION and case.finding == ""


def test_a_measure_before_the_investigation_is_refused(accused, inspector, client):
    case = _walk(_case(inspector, accused), inspector, services.Step("next"))
    events = CaseEvent.objects.count()
    client.force_login(inspector)
    response = client.post(
        reverse("inspection:step", args=[case.pk]),
        {"action": "measure", "measure": "warning", "note": "تذکر"},
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert response.status_code == 400
    assert "اقدام تنها پس از آنکه تحقیق به نتیجه رسید" in response.content.decode()
    case.refresh_from_db()
    assert case.status == workflow.PRELIMINARY and case.measure == ""
    assert CaseEvent.objects.count() == events


def test_a_case_against_an_officer_of_another_province_is_refused(inspector, other_province):
    with pytest.raises(ValidationError) as error:
        services.open_case(
            by=inspector,
            report=CaseReport(
                source_kind="inspector",
                station=inspector.unit.parent.children.first(),
                summary="x",
                accused_officer=other_province["officer"],
            ),
        )
    assert "استان دیگری" in str(error.value.message_dict["accused_officer"])
    assert not Case.objects.exists()


def test_the_complainant_reads_the_steps_and_the_outcome_by_tracking_code(
    make_user, accused, inspector
):
    desk = make_user("desk1", "desk_officer", "HM01K01")
    complaint = factories.file_complaint(
        by=desk,
        channel="desk",
        category=Category.objects.get(code="officer-conduct"),
        station=desk.unit,
        accused_officer="کامران نیکو",
    )
    case = Case.objects.get(tracking_code=complaint.tracking_code)
    assert [s.status for s in selectors.public_inspection(complaint.tracking_code).steps] == [
        workflow.RECEIVED
    ]
    _walk(
        case,
        inspector,
        *TO_INVESTIGATION,
        FINDING,
        services.Step("measure", "x", measure="warning"),
        services.Step("next"),
    )
    complaint.refresh_from_db()
    assert complaint.status == "resolved" and complaint.assigned_to == inspector
    seen = selectors.public_inspection(complaint.tracking_code)
    assert len(seen.steps) == 6
    assert "وارد دانسته شد" in seen.outcome
    assert "نیکو" not in seen.outcome and all("نیکو" not in s.label for s in seen.steps)


def test_the_desk_filters_and_searches(accused, inspector):
    first = _case(inspector, accused)
    second = services.open_case(
        by=inspector,
        report=CaseReport(
            source_kind="citizen", station=accused.unit, summary="رشوه‌خواهی در پذیرش"
        ),
    )
    _walk(second, inspector, *TO_INVESTIGATION, FINDING)
    page = selectors.desk(inspector, selectors.DeskFilters(q="رشوه"))
    assert [c.pk for c in page] == [second.pk]
    page = selectors.desk(inspector, selectors.DeskFilters(status=workflow.RECEIVED))
    assert [c.pk for c in page] == [first.pk]
    page = selectors.desk(inspector, selectors.DeskFilters(source="citizen"))
    assert [c.pk for c in page] == [second.pk]
