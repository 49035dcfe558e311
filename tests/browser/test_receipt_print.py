"""The printed receipt: one A5 page or one piece of an 80 mm roll, nothing cut at the edges,
checked by Chromium's own print to PDF."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category
from kalantar.complaints.services import file_complaint
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MM_PER_POINT = 25.4 / 72
PX_PER_MM = 96 / 25.4
# Paper width and the printable width inside the receipt's page margins, in millimetres.
LAYOUTS = {"a5": (148, 132), "thermal": (80, 76)}

# Every element of the receipt whose box reaches outside the printable width.
OUTSIDE = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll("main.receipt, main.receipt *")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -0.5 || r.right > width + 0.5) {
      out.push(`${el.tagName}.${el.className.baseVal ?? el.className} ${r.left}..${r.right}`);
    }
  }
  return out;
}"""


@pytest.fixture
def long_complaint(make_user):
    """A complaint whose texts are as long as the service allows, one word unbroken."""
    desk = make_user("desk", "desk_officer", "HM01K01")
    desk.first_name, desk.last_name = "محمدحسین", "عبدالرحیمی‌نژاد"
    desk.save()
    return file_complaint(
        by=desk,
        channel="desk",
        draft=ComplaintDraft(
            category=Category.objects.get(code="lost-documents"),
            incident_at=timezone.now() - timedelta(hours=1),
            summary="مفقودی" + "ب" * 120 + " کارت ملی و گواهینامه و کارت بانکی در تاکسی خط میدان",
            narrative="کیف پول حاوی کارت ملی در تاکسی جا ماند.",
            complainant_name="سیده فاطمه‌زهرا حسینی‌نژاد طباطبایی‌فر",
            national_code="0499370899",
        ),
    )


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_receipt_prints_on_one_page_with_nothing_cut(
    live_server, page, long_complaint, layout, language
):
    paper_mm, printable_mm = LAYOUTS[layout]
    page.context.add_cookies(
        [{"name": "kalantar_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "desk")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    url = f"{live_server.url}/complaints/{long_complaint.tracking_code}/receipt/?layout={layout}"

    # Laid out for print in a window as wide as the printable area: nothing reaches past it.
    width_px = int(printable_mm * PX_PER_MM)
    page.set_viewport_size({"width": width_px, "height": 900})
    page.emulate_media(media="print")
    page.goto(url)
    page.wait_for_selector("#tracking-code")
    assert page.evaluate(OUTSIDE, width_px) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width_px

    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert float(box.width) * MM_PER_POINT == pytest.approx(paper_mm, abs=1)
