"""Public report cards: a quarter's satisfaction and 197 volumes per station, county or
province, under the portal's disclosure rules, with no record and no conduct report."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse

from kalantar.core.jalali import TEHRAN, tehran_today
from kalantar.feedback.models import FeedbackMessage, SurveyAnswer
from kalantar.portal import report_cards

QUARTER = report_cards.complete_quarters(tehran_today(), 1)[0]
DAY = QUARTER.bounds[0] + timedelta(days=10)


def _figures(answers=0, informed=0, closed=0, reconciled=0, **volumes):
    stages = {"ease_of_contact": 4.2, "actions_taken": 3.6, "kept_informed": 3.0}
    stages |= {"treatment": 4.5, "whole_experience": 4.0}
    return {
        "answers": answers,
        "informed": informed,
        "stages": stages if answers else dict.fromkeys(stages),
        "closed": closed,
        "reconciled": reconciled,
        "volumes": volumes,
    }


def test_too_few_answers_publish_no_score():
    card = report_cards.publish(_figures(answers=3, informed=2))
    assert card["answers"] == "<5"
    assert all(value is None for _label, value in card["stages"])
    assert card["kept_informed"] is None


def test_enough_answers_publish_rounded_counts_and_scores():
    card = report_cards.publish(
        _figures(answers=12, informed=9, closed=20, reconciled=15, appreciation=33, complaint=2)
    )
    assert card["answers"] == 10  # rounded to the nearest 5
    assert next(value for _label, value in card["stages"]) == 4.2  # ease of contact
    assert card["kept_informed"] == 75 and card["reconciliation"] == 75
    by_class = dict(card["by_class"])
    assert by_class["complaint"] in ("<5", "withheld") and by_class["suggestion"] == 0
    assert card["messages"] in (35, "withheld")


def _answers(unit, n, score=4):
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            unit=unit,
            source="complaint",
            answered_on=DAY,
            ease_of_contact=score,
            actions_taken=score,
            kept_informed=score,
            treatment=score,
            whole_experience=score,
            safety="fairly_safe",
        )
        for _ in range(n)
    )


def _messages(unit, n, msg_class, *, conduct=False):
    at = datetime.combine(DAY, time(10), tzinfo=TEHRAN)
    for _ in range(n):
        FeedbackMessage.objects.create(
            unit=unit,
            text="…",
            msg_class=msg_class,
            is_conduct=conduct,
            received_at=at,
            channel="phone",
        )


@pytest.fixture
def quarter_of_answers(org_tree):
    _answers(org_tree["HM01K01"], 8, score=5)
    _answers(org_tree["HM01K02"], 3, score=1)
    _messages(org_tree["HM01K01"], 11, "appreciation")
    _messages(org_tree["HM01K02"], 2, "complaint")
    _messages(org_tree["HM01K02"], 6, "complaint", conduct=True)
    return org_tree


@pytest.mark.django_db
def test_each_station_shows_its_own_card_in_persian(client, quarter_of_answers):
    url = reverse("transparency:report_card")
    first = client.get(url, {"unit": "HM01K01", "quarter": QUARTER.code})
    html = first.content.decode()
    assert first.status_code == 200 and 'dir="rtl"' in html
    assert "۵٫۰" in html and "۱۰" in html  # a score of 5, 8 answers rounded to 10
    second = client.get(url, {"unit": "HM01K02", "quarter": QUARTER.code}).content.decode()
    assert "کمتر از ۵" in second and "موارد برای انتشار کم است" in second
    assert "۱٫۰" not in second  # three answers publish no score
    # The six conduct reports are the inspection's: not counted for the station.
    assert "۱۰" not in second.split('id="card-messages"')[1][:200]


@pytest.mark.django_db
def test_the_county_card_adds_its_stations(client, quarter_of_answers):
    response = client.get(
        reverse("transparency:report_card"), {"unit": "HM01", "quarter": QUARTER.code}
    )
    html = response.content.decode()
    assert "۱۰" in html.split('id="card-answers"')[1][:200]  # 11 answers rounded


@pytest.mark.django_db
def test_the_card_in_english(client, quarter_of_answers):
    client.cookies["kalantar_language"] = "en"
    html = client.get(
        reverse("transparency:report_card"), {"unit": "HM01K02", "quarter": QUARTER.code}
    ).content.decode()
    assert 'dir="ltr"' in html and "fewer than 5" in html and "Station report cards" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quarter", "message"),
    [("1405-9", "فهرست"), (f"{QUARTER.year + 1}-1", "هنوز")],
)
def test_a_bad_or_unfinished_quarter_gets_a_persian_message(
    client, quarter_of_answers, quarter, message
):
    response = client.get(
        reverse("transparency:report_card"), {"unit": "HM01K01", "quarter": quarter}
    )
    assert response.status_code == 400 and message in response.content.decode()
