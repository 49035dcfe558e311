"""Demo 197 messages over a year in every class, classified, routed, closed, called back,
and survey answers for the stations' report cards."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import h3
from django.utils import timezone

from kalantar.core.validators import national_code_check_digit
from kalantar.feedback import classifier, perception, services
from kalantar.feedback.models import FeedbackMessage, SurveyAnswer, SurveyLink
from kalantar.incidents.models import Incident
from kalantar.org.models import Unit
from kalantar.people import services as people_services
from kalantar.people.demo import DEMO_PASSWORD
from kalantar.people.models import User

# Roughly the line's mix: mostly thanks, then suggestions, criticism and complaints.
MIX = {"appreciation": 0.7, "suggestion": 0.12, "criticism": 0.1, "complaint": 0.08}
OUTCOMES = ["answered", "reconciled", "reconciled", "reconciled", "referred"]


def load(progress) -> None:
    rng = random.Random(197)
    stations = list(Unit.objects.filter(kind__in=Unit.STATION_KINDS).order_by("code")[:8])
    if not stations:
        return
    operator = _operator()
    officers = list(User.objects.filter(unit__in=stations, is_active=True))
    examples = classifier.load_dataset()
    now = timezone.now()
    for i in range(240):
        at = now - timedelta(days=rng.uniform(1, 365))
        _one(rng, examples, (stations, officers), operator, at, i)
    _answers(rng, stations, now)
    _neighbourhoods(rng, operator)
    progress(f"feedback: {FeedbackMessage.objects.count()} messages of the 197 line")


def _operator() -> User:
    """The demo's 197 operator, at the province's line."""
    found = User.objects.filter(username="line197").first()
    if found is not None:
        return found
    return people_services.add_user(
        by=None,
        username="line197",
        role="feedback_operator",
        unit_code="HM",
        password=DEMO_PASSWORD,
        first_name="نرگس",
        last_name="صالحی",
        check_password=False,
    )


def _national_code(rng: random.Random) -> str:
    first = f"{rng.randrange(1, 10**9):09d}"
    return first + str(national_code_check_digit(first))


def _one(rng, examples, people, operator, at, i) -> None:
    stations, officers = people
    wanted = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    example = rng.choice([e for e in examples if e.msg_class == wanted and e.topic != "conduct"])
    if i % 15 == 0:
        example = rng.choice([e for e in examples if e.topic == "conduct"])
    unit = rng.choice(stations)
    named = [o for o in officers if o.unit_id == unit.pk]
    identified = example.msg_class == "complaint" or rng.random() < 0.6
    conduct = example.topic == "conduct"
    intake = services.Intake(
        text=example.text,
        channel=rng.choice(list(FeedbackMessage.Channel.values)),
        unit=unit,
        officer=rng.choice(named) if named and (conduct or rng.random() < 0.3) else None,
        caller_name=rng.choice(["رضا کرمی", "مینا رستمی", "حسن یگانه"]) if identified else "",
        caller_national_code=_national_code(rng) if example.msg_class == "complaint" else "",
        caller_mobile=f"0912{rng.randrange(10**7):07d}" if identified else "",
    )
    message = services.record_message(by=operator, intake=intake, now=at)
    if i % 10 == 0:
        return  # left for the desk to classify
    message = services.confirm_message(
        by=operator, message=message, msg_class=example.msg_class, topic=example.topic, now=at
    )
    if message.caller_mobile and rng.random() < 0.85:
        services.record_callback(
            by=operator,
            message=message,
            answer="تماس گرفته شد؛ تماس‌گیرنده از پیگیری راضی بود.",
            now=at + timedelta(hours=rng.uniform(2, 70)),
        )
    if rng.random() < 0.8:
        outcome = "inspected" if message.is_conduct else rng.choice(OUTCOMES)
        services.close_message(
            by=operator, message=message, outcome=outcome, now=at + timedelta(days=3)
        )


def _answers(rng, stations, now) -> None:
    safety = list(SurveyAnswer.Safety.values)
    for _ in range(300):
        good = rng.random() < 0.7
        SurveyAnswer.objects.create(
            unit=rng.choice(stations),
            source=rng.choice(list(SurveyLink.Source.values)),
            answered_on=(now - timedelta(days=rng.uniform(0, 365))).date(),
            ease_of_contact=rng.randint(3, 5) if good else rng.randint(1, 3),
            actions_taken=rng.randint(3, 5) if good else rng.randint(1, 3),
            kept_informed=rng.randint(2, 5) if good else rng.randint(1, 3),
            treatment=rng.randint(3, 5) if good else rng.randint(1, 4),
            whole_experience=rng.randint(3, 5) if good else rng.randint(1, 3),
            safety=rng.choice(safety),
        )


def _neighbourhoods(rng, operator) -> None:
    """A province survey in Hamedan's neighbourhoods with one clear perception gap: the
    quietest surveyed cell feels the least safe. One cell has three answers (suppressed)."""
    cells = Counter(
        h3.cell_to_parent(cell, perception.RESOLUTION)
        for cell in Incident.objects.values_list("h3_cell", flat=True)
    )
    chosen = [cell for cell, _n in cells.most_common(6)]
    if len(chosen) < 3:
        return
    quiet = min(cells, key=cells.get)
    survey = services.create_neighbourhood_survey(
        by=operator,
        unit=operator.unit,
        title="احساس امنیت در محله‌های همدان، پاییز",
        extra_questions="روشنایی کوچه‌ها در شب چقدر کافی است؟",
    )
    plan = [(cell, 25, 0.25) for cell in chosen] + [(quiet, 25, 0.85)]
    plan.append((next(iter(set(cells) - {quiet, *chosen}), chosen[0]), 3, 0.5))
    levels = list(perception.UNSAFE)
    for cell, n, unsafe_share in plan:
        lat, lon = h3.cell_to_latlng(cell)
        for _ in range(n):
            unsafe = rng.random() < unsafe_share
            pick = rng.choice(levels) if unsafe else rng.choice(["very_safe", "fairly_safe"])
            values = {q["key"]: pick for q in survey.questions}
            services.answer_neighbourhood_survey(survey=survey, lat=lat, lon=lon, values=values)
