"""The perception-gap map in a real browser, in Persian and English: the neighbourhood that
feels unsafe with few incidents is marked, a cell with too few answers is drawn empty, and
the popup gives the figures; the page runs under the CSP with its scripts as files."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kalantar.feedback import services
from tests.browser.login import log_in
from tests.factories import INSIDE_K01

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def survey(org_tree, make_user):
    chief = make_user("chief", "station_chief", "HM01K01")
    operator = make_user("op197", "feedback_operator", "HM")
    survey = services.create_neighbourhood_survey(
        by=operator, unit=org_tree["HM01K01"], title="احساس امنیت محله"
    )

    def answer(step: int, feel: str, times: int) -> None:
        point = {"lat": INSIDE_K01["lat"], "lon": INSIDE_K01["lon"] + 0.03 * step}
        for _ in range(times):
            services.answer_neighbourhood_survey(
                survey=survey, values={q["key"]: feel for q in survey.questions}, **point
            )

    answer(0, "very_unsafe", 10)
    answer(1, "very_safe", 10)
    answer(2, "very_safe", 10)
    answer(3, "very_unsafe", 3)
    return chief, survey


@pytest.mark.parametrize(
    ("language", "words"), [("fa", "۱۰ پاسخ"), ("en", "10 answers")], ids=["fa", "en"]
)
def test_the_map_marks_the_gap_and_hides_the_small_cell(live_server, page, survey, language, words):
    chief, survey = survey
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.context.add_cookies(
        [{"name": "kalantar_language", "value": language, "url": live_server.url}]
    )
    log_in(page, live_server, chief.username)
    page.goto(f"{live_server.url}/feedback/neighbourhoods/{survey.pk}/")
    page.wait_for_selector("#gap-map[data-ready='4']")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "fa" else "ltr")
    assert page.locator("#gap-map path.gap-feels_unsafe").count() == 1
    assert page.locator("#gap-map path.gap-hidden").count() == 1
    assert page.locator("#gap-map path.gap-none").count() == 2
    page.locator("#gap-map path.gap-feels_unsafe").click()
    popup = page.wait_for_selector(".leaflet-popup-content")
    assert words in popup.inner_text()
    page.locator("#gap-map path.gap-hidden").click(force=True)
    popups = page.locator(".leaflet-popup-content")
    expect(popups).to_have_count(1)  # the first popup fades out for 200 ms
    hidden = popups.inner_text()
    assert "3" not in hidden and "۳" not in hidden
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e]
