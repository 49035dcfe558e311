"""The programme's demo: year 1405 with the draft framework; Hamedan's 28 police stations
enrolled in two waves (seed 004's "28 stations in Hamedan": the demo province has 28
police stations and 20 outposts, so 28 of its 48 units); four months of indicators; the
chief's station self-assessed and graded by the province's inspector with findings; and
an answered survey."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from kalantar.core import periods
from kalantar.core.jalali import tehran_today
from kalantar.org.models import Unit
from kalantar.people.models import User
from kalantar.transformation import services, survey
from kalantar.transformation.models import Enrolment, SelfAssessment, Tier
from kalantar.transformation.selectors import framework

DEMO_YEAR = 1405
ENROLLED = 28  # "28 stations in Hamedan" (seed 004)
DEMO_STATION = "HM01K01"

_RATINGS = (SelfAssessment.Rating.MET, SelfAssessment.Rating.PARTLY, SelfAssessment.Rating.NOT_MET)
_TIERS = (Tier.GOOD, Tier.ADEQUATE, Tier.REQUIRES_IMPROVEMENT, Tier.GOOD, Tier.OUTSTANDING)
_ANSWERS = (
    ("officer", (4, 4, 3, 2, 3, 4)),
    ("officer", (5, 4, 4, 3, 3, 4)),
    ("staff", (4, 3, 4, 2, 4, 3)),
    ("supervisor", (4, 4, 4, 3, 3, 4)),
    ("partner", (3, 4, 3, 3, 2, 3)),
    ("resident", (4, 3, 3, 3, 3, 3)),
    ("resident", (5, 4, 4, 3, 4, 4)),
)


def load(progress: Callable[[str], None]) -> None:
    year = services.create_year(
        by=None,
        year=DEMO_YEAR,
        title="طرح تحول کلانتری‌ها ۱۴۰۵",
        title_en="Station transformation programme 1405",
    )
    stations = list(
        Unit.objects.filter(kind__in=Unit.STATION_KINDS, path__startswith="/IR/HM/")
        # Police stations first (the seeds' figure counts کلانتری), then outposts.
        .order_by("-kind", "path")
    )
    chosen = stations[:ENROLLED]
    today = tehran_today()
    first = services.open_wave(by=None, year=year, starts_on=today - timedelta(days=150))
    second = services.open_wave(by=None, year=year, starts_on=today - timedelta(days=60))
    half = len(chosen) // 2
    services.enrol(by=None, wave=first, stations=chosen[:half])
    services.enrol(by=None, wave=second, stations=chosen[half:])
    progress(f"transformation: {len(chosen)} of {len(stations)} Hamedan stations enrolled")
    month = periods.jalali_month_of(today)
    stored = 0
    for _i in range(4):
        stored += services.compute_indicators(month)
        month = periods.previous(month)
    progress(f"transformation: {stored} indicator figures over four months")
    _assess(year)
    progress("transformation: a self-assessed station graded with findings, and its survey")


def _assess(year) -> None:
    chief = User.objects.filter(username="chief").first()
    inspector = User.objects.filter(username="inspector").first()
    enrolment = Enrolment.objects.filter(year=year, station__code=DEMO_STATION).first()
    if chief is None or inspector is None or enrolment is None:
        return
    characteristics = [
        c for area in framework(year) for q in area.questions.all() for c in q.characteristics.all()
    ]
    for i, characteristic in enumerate(characteristics):
        services.self_assess(
            by=chief,
            enrolment=enrolment,
            characteristic=characteristic,
            rating=_RATINGS[i % 3],
            narrative="گزارش کلانتری دربارهٔ این ویژگی، با مدارک پیوست.",
        )
    assessment = services.start_assessment(by=inspector, enrolment=enrolment)
    questions = [q for area in framework(year) for q in area.questions.all()]
    for i, question in enumerate(questions):
        services.grade(
            by=inspector,
            assessment=assessment,
            question=question,
            tier=_TIERS[i % len(_TIERS)],
            reasons="بر پایهٔ بازدید، گفت‌وگو با کارکنان و شاخص‌های سامانه.",
        )
    services.raise_finding(
        by=inspector,
        assessment=assessment,
        question=questions[0],
        kind="concern",
        text="دو مأمور دورهٔ آموزش رفتار حرفه‌ای را نگذرانده‌اند.",
        owner=chief,
        due_on=tehran_today() + timedelta(days=30),
    )
    services.raise_finding(
        by=inspector,
        assessment=assessment,
        question=questions[-1],
        kind="improve",
        text="نخستین اقدام روی شکایات شبانه دیرتر از مهلت انجام می‌شود.",
        owner=chief,
        due_on=tehran_today() + timedelta(days=60),
    )
    services.complete_assessment(by=inspector, assessment=assessment)
    station = enrolment.station
    tokens = services.issue_survey_links(by=chief, station=station, year=year, count=10)
    for token, (role, values) in zip(tokens, _ANSWERS, strict=False):
        services.answer_survey(
            token=token, role=role, answers=dict(zip(survey.STATEMENT_CODES, values, strict=True))
        )
