"""Body-camera footage and documents attached to a case."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kalantar.complaints.models import Category
from kalantar.core.uploads import UploadedFile
from kalantar.evidence.models import ComplaintLink, EvidenceItem, Original
from kalantar.inspection import services
from kalantar.inspection.drafts import CaseReport
from kalantar.inspection.models import Case, CaseFootage
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 50


def _recording(station, name):
    original = Original.objects.create(sha256=name * 64, size=10, content_type="video/mp4")
    return EvidenceItem.objects.create(
        title=f"BWC {name}", station=station, original=original, original_name=f"{name}.mp4"
    )


def test_footage_of_the_station_links_and_the_inspector_may_play_it(
    make_user, accused, inspector, org_tree
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
    here, elsewhere = _recording(org_tree["HM01K01"], "a"), _recording(org_tree["HM01K02"], "b")
    assert list(services.footage_candidates(case)) == [here]
    services.link_footage(by=inspector, case=case, item=here)
    assert CaseFootage.objects.filter(case=case, item=here).exists()
    assert ComplaintLink.objects.filter(item=here, complaint=complaint).exists()
    assert EvidenceItem.objects.visible_to(inspector).filter(pk=here.pk).exists()
    with pytest.raises(ValidationError):
        services.link_footage(by=inspector, case=case, item=elsewhere)
    assert CaseFootage.objects.count() == 1


def test_a_document_opens_for_the_inspector_only(accused, inspector, chief1, client):
    case = services.open_case(
        by=inspector,
        report=CaseReport(
            source_kind="inspector", station=accused.unit, summary="x", accused_officer=accused
        ),
    )
    document = services.attach_document(
        by=inspector, case=case, upload=UploadedFile("statement.pdf", "application/pdf", PDF)
    )
    client.force_login(inspector)
    assert client.get(document.get_absolute_url()).status_code == 200
    client.force_login(chief1)
    assert client.get(document.get_absolute_url()).status_code == 404
    client.force_login(accused)
    assert client.get(reverse("inspection:desk")).status_code == 403
