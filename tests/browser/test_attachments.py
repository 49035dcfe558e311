"""A desk officer opens a complaint's photo from the complaint page, in Persian and in
English: the file opens in its own tab as an image, served by the scoped, audited page."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
import segno
from django.utils import timezone

from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.complaints.services import file_complaint
from kalantar.core.models import AuditEntry
from kalantar.core.uploads import UploadedFile
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> bytes:
    out = io.BytesIO()
    segno.make("https://kalantar.example/door", error="h").save(
        out, kind="png", scale=12, dark="#1f3a5f", light="#f4f1e8"
    )
    return out.getvalue()


def test_a_complaints_photo_opens_from_its_page_in_both_languages(
    live_server, browser, make_user, tmp_path
):
    desk = make_user("desk", "desk_officer", "HM01K01")
    complaint = file_complaint(
        by=desk,
        channel="desk",
        attachments=[UploadedFile("عکس درب شکسته.png", "image/png", _photo())],
        draft=ComplaintDraft(
            category=Category.objects.get(code="home-burglary"),
            incident_at=timezone.now() - timedelta(hours=5),
            summary="سرقت از منزل با شکستن درب",
            narrative="دیشب درب منزل را شکستند و طلاها را بردند؛ عکس درب پیوست است.",
            complainant_name="علی رضایی",
            national_code="0499370899",
        ),
    )
    shots = Path(os.environ.get("KALANTAR_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    for language in ("fa", "en"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies(
            [{"name": "kalantar_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "desk")
        page.fill("#id_password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/complaints/{complaint.tracking_code}/")
        link = page.locator("#attachments a.attachment-link")
        assert "عکس درب شکسته.png" in link.inner_text()
        page.screenshot(path=str(shots / f"complaint-{language}.png"), full_page=True)
        with context.expect_page() as opened_info:
            link.click()
        opened = opened_info.value
        opened.wait_for_load_state()
        assert opened.url.startswith(f"{live_server.url}/files/complaint/")
        # Shown by the browser itself as an image, not downloaded.
        assert opened.evaluate("document.images.length && document.images[0].naturalWidth") > 0
        opened.screenshot(path=str(shots / f"attachment-{language}.png"))
        context.close()
    assert AuditEntry.objects.filter(action="files.open", actor=desk).count() == 2
