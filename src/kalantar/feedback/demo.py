"""Demo 197 messages over a year in every class, classified, routed, closed, called back,
and survey answers for the stations' report cards."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from kalantar.feedback import classifier, services
from kalantar.feedback.models import FeedbackMessage, SurveyAnswer, SurveyLink
from kalantar.org.models import Unit
from kalantar.people.models import User

# Roughly the line's mix: mostly thanks, then suggestions, criticism and complaints.
MIX = {"appreciation": 0.7, "suggestion": 0.12, "criticism": 0.1, "complaint": 0.08}
OUTCOMES = ["answered", "reconciled", "reconciled", "reconciled", "referred"]


def load(progress) -> None:
    rng = random.Random(197)
    stations = list(Unit.objects.filter(kind__in=Unit.STATION_KINDS, path__startswith="")[:8])
    operator = User.objects.filter(groups__name="feedback_operator").first() or (
        User.objects.filter(is_superuser=True).first()
    )
    if not stations or operator is None:
        return
    examples = classifier.load_dataset()
    now = timezone.now()
    for i in range(240):
        _one(rng, examples, stations, operator, now - timedelta(days=rng.uniform(1, 365)), i)
    _answers(rng, stations, now)
    progress(f"feedback: {FeedbackMessage.objects.count()} messages of the 197 line")


def _one(rng, examples, stations, operator, at, i) -> None:
    wanted = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    example = rng.choice([e for e in examples if e.msg_class == wanted and e.topic != "conduct"])
    if i % 15 == 0:
        example = rng.choice([e for e in examples if e.topic == "conduct"])
    intake = services.Intake(
        text=example.text,
        channel=rng.choice(list(FeedbackMessage.Channel.values)),
        unit=rng.choice(stations),
        caller_mobile=f"0912{rng.randrange(10**7):07d}" if rng.random() < 0.6 else "",
    )
    message = services.record_message(by=operator, intake=intake, now=at)
    if i % 10 == 0:
        return  # left for the desk to classify
    msg_class = example.msg_class if example.msg_class != "complaint" else "criticism"
    message = services.confirm_message(
        by=operator, message=message, msg_class=msg_class, topic=example.topic, now=at
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
