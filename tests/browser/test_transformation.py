"""The transformation programme in a real browser: a station chief self-assesses one
characteristic with a document, and the province commander's progress page shows the
enrolled share, the grade and the open finding, then opens the station's report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kalantar.core.persian import to_persian_digits
from kalantar.transformation import services
from kalantar.transformation.models import SelfAssessment
from tests.browser.login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def programme(org_tree):
    year = services.create_year(by=None, year=1405, title="طرح تحول ۱۴۰۵")
    wave = services.open_wave(by=None, year=year, starts_on=date(2026, 4, 1))
    services.enrol(by=None, wave=wave, stations=[org_tree["HM01K01"]])
    return year


def test_chief_self_assesses_a_characteristic_with_a_document(
    live_server, page, make_user, programme, tmp_path
):
    make_user("chief", "station_chief", "HM01K01")
    characteristic = programme.areas.first().questions.first().characteristics.first()
    document = tmp_path / "گواهی-دوره.pdf"
    document.write_bytes(PDF)

    log_in(page, live_server, "chief")
    page.goto(f"{live_server.url}/transformation/stations/HM01K01/self/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    form = page.locator(f"#c{characteristic.pk}")
    assert "دوره‌های لازم" in form.inner_text()
    form.locator("select[name=rating]").select_option("partly")
    form.locator("textarea[name=narrative]").fill("دو دورهٔ آموزشی برگزار شد")
    form.locator("input[type=file]").set_input_files(str(document))
    form.locator("button.btn-primary").click()
    page.wait_for_selector(".alert-success")

    saved = SelfAssessment.objects.get()
    assert saved.rating == "partly" and saved.documents.count() == 1
    form = page.locator(f"#c{characteristic.pk}")
    assert form.locator("select[name=rating]").input_value() == "partly"
    assert "گواهی-دوره.pdf" in form.inner_text()


def test_progress_page_shows_share_grade_and_finding(
    live_server, page, make_user, programme, org_tree
):
    chief = make_user("chief", "station_chief", "HM01K01")
    inspector = make_user("insp", "inspector", "HMINS")
    make_user("prov", "province_commander", "HM")
    enrolment = programme.enrolments.get()
    assessment = services.start_assessment(by=inspector, enrolment=enrolment)
    questions = [q for area in programme.areas.all() for q in area.questions.all()]
    question = questions[0]
    for each in questions:  # only a completed assessment's grades count
        services.grade(
            by=inspector, assessment=assessment, question=each, tier="good", reasons="بازدید"
        )
    services.raise_finding(
        by=inspector,
        assessment=assessment,
        question=question,
        kind="improve",
        text="آموزش رفتار حرفه‌ای کامل نیست",
        owner=chief,
        due_on=date.today() + timedelta(days=30),
    )
    services.complete_assessment(by=inspector, assessment=assessment)

    log_in(page, live_server, "prov")
    page.goto(f"{live_server.url}/transformation/")
    assert page.inner_text("#enrolled-share").strip() == "۳۳٪ کلانتری‌ها"
    assert page.inner_text("#enrolled-count").strip() == "۱ کلانتری از ۳"
    grades = page.inner_text(".tr-tier.tr-good >> xpath=../..")
    assert to_persian_digits(len(questions)) in grades
    assert "آموزش رفتار حرفه‌ای کامل نیست" in page.inner_text(".tr-findings")
    page.click("#children a >> text=شهرستان همدان")
    page.wait_for_url("**/transformation/units/HM01/")
    page.click("#children a >> text=کلانتری ۱۱ همدان")
    page.wait_for_url("**/transformation/stations/HM01K01/")
    assert "خوب" in page.inner_text("h3 .tr-tier")
