"""The chief's retention page in a real browser: a queued deletion undone, a legal hold
placed with the item's number typed in Persian digits, then lifted with a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kalantar.evidence import services
from kalantar.evidence.models import Camera, Deletion, EvidenceItem, LegalHold, RetentionPeriod
from tests.browser.login import log_in
from tests.evidence.conftest import MP4, write

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def test_the_chief_undoes_a_deletion_and_holds_an_item(
    live_server, page, org_tree, tmp_path, settings, make_user
):
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    # A transactional test's database is emptied after each test, the migrations' default
    # periods with it: this test states the period it relies on.
    RetentionPeriod.objects.get_or_create(category=EvidenceItem.Category.NO_VALUE, days=90)
    k01 = org_tree["HM01K01"]
    services.register_camera(by=None, serial="BWC-101", kind=Camera.Kind.BODY, station=k01)
    chief = make_user("chief1", "station_chief", "HM01K01")
    services.check_out_camera(by=chief, serial="BWC-101", officer=chief)
    camera = Camera.objects.get()
    item, _ = services.ingest_file(by=None, path=write(tmp_path, "a.mp4", MP4), device=camera)
    EvidenceItem.objects.filter(pk=item.pk).update(
        title="گشت شبانه",
        category=EvidenceItem.Category.NO_VALUE,
        uploaded_at=timezone.now() - timedelta(days=100),
    )
    assert services.queue_expired() == 1
    log_in(page, live_server, "chief1")
    page.goto(f"{live_server.url}/evidence/retention/")
    assert "گشت شبانه" in page.inner_text("#queued")
    page.locator("#queued button", has_text="لغو حذف").click()
    page.wait_for_load_state()
    assert "گشت شبانه" not in page.inner_text("#queued")
    assert Deletion.objects.get().undone_at is not None

    page.fill("#hold-form input[name=item]", str(item.pk).translate(PERSIAN))
    page.fill("#hold-form input[name=reason]", "دستور دادسرا")
    page.click("#hold-form button[type=submit]")
    page.wait_for_load_state()
    assert "دستور دادسرا" in page.inner_text("#holds")
    page.fill("#holds input[name=reason]", "رأی نهایی صادر شد")
    page.locator("#holds button", has_text="رفع توقیف").click()
    page.wait_for_load_state()
    assert LegalHold.objects.get().lift_reason == "رأی نهایی صادر شد"
    assert "دستور دادسرا" not in page.inner_text("#holds table")
