"""Demo data: officers' records and training, inspection cases in every step (one from a
conduct complaint filed at a desk, one with camera footage), and the early-intervention
reviews the indicators open on them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category, Complaint
from kalantar.complaints.services import file_complaint
from kalantar.inspection import indicators, services, workflow
from kalantar.inspection.drafts import CaseReport
from kalantar.inspection.models import Case, Review
from kalantar.org.models import Unit
from kalantar.people import services as people_services
from kalantar.people.models import Course, OfficerProfile, User

COURSES = (
    ("conduct", "رفتار حرفه‌ای با شهروندان", "Professional conduct with citizens", 24),
    ("rights", "حقوق شهروندی", "Citizens' rights", 0),
    ("bodycam", "کار با دوربین البسه", "Using body-worn cameras", 12),
)
RANKS = ("sergeant", "warrant", "lt3", "lt2", "lt1", "captain")
EXTRA_OFFICERS = (
    ("officer4", "HM01K01", "بهروز", "شریفی"),
    ("officer5", "HM01K02", "یاسر", "نادری"),
    ("officer6", "HM01K01", "مینا", "فرهادی"),
    ("officer7", "HM01K02", "سعید", "کاظمی"),
    ("officer8", "HM01K01", "حمید", "رستمی"),
)
STATION_ROLES = ("desk_officer", "station_chief", "dispatcher", "patrol_officer")


def load(progress: Callable[[str], None] = lambda msg: None) -> None:
    if OfficerProfile.objects.exists() or not Unit.objects.filter(code="HMINS").exists():
        return
    _extra_officers()
    officers = _records()
    progress(f"records and training for {officers} officers, one unit's plan overdue")
    inspector = User.objects.get(username="inspector")
    cases = _cases(inspector)
    progress(f"{cases} inspection cases, in every step")
    flagged, opened = indicators.open_reviews()
    _close_one_review(inspector)
    total, false_flags, rate = indicators.false_flag_rate()
    shown_total = f"{false_flags} of {total}"
    shown = "-" if rate is None else f"{rate:.0%}"
    progress(f"early intervention: {flagged} flagged, {opened} reviews")
    progress(f"false flags: {shown_total} ({shown})")


def _extra_officers() -> None:
    for username, unit, first, last in EXTRA_OFFICERS:
        if not User.objects.filter(username=username).exists():
            people_services.add_user(
                by=None,
                username=username,
                role="desk_officer",
                unit_code=unit,
                password="kalantar-demo",
                first_name=first,
                last_name=last,
                check_password=False,
            )


def _records() -> int:
    today = timezone.localdate()
    courses = [
        Course.objects.get_or_create(code=c, defaults={"name": n, "name_en": e, "valid_months": m})[
            0
        ]
        for c, n, e, m in COURSES
    ]
    staff = (
        User.objects.filter(unit__kind__in=Unit.STATION_KINDS, groups__name__in=STATION_ROLES)
        .distinct()
        .order_by("pk")
        .select_related("unit")
    )
    for i, officer in enumerate(staff):
        people_services.set_officer_profile(
            by=None, officer=officer, personnel_number=str(8100200 + i), rank=RANKS[i % len(RANKS)]
        )
        home = officer.unit
        first = Unit.objects.stations().exclude(pk=officer.unit_id).order_by("code")[i % 3]
        people_services.add_posting(
            by=None,
            officer=officer,
            unit=first,
            started_on=today - timedelta(days=2000 - 40 * i),
            duty="گشت",
        )
        people_services.add_posting(
            by=None,
            officer=officer,
            unit=home,
            started_on=today - timedelta(days=400 - 10 * i),
            duty="پذیرش",
        )
        people_services.record_certificate(
            by=None, officer=officer, course=courses[1], completed_on=today - timedelta(days=900)
        )
        if i % 3:  # a third of the officers never took the conduct course
            people_services.record_certificate(
                by=None,
                officer=officer,
                course=courses[0],
                completed_on=today - timedelta(days=200 + 5 * i),
            )
        people_services.record_certificate(
            by=None,
            officer=officer,
            course=courses[2],
            completed_on=today - timedelta(days=300 + 20 * i),
        )
    station = Unit.objects.get(code="HM01K01")
    people_services.plan_training(
        by=None,
        unit=station,
        role="desk_officer",
        course=courses[0],
        due_on=today - timedelta(days=10),
    )
    people_services.plan_training(
        by=None,
        unit=station,
        role="desk_officer",
        course=courses[2],
        due_on=today + timedelta(days=60),
    )
    for username, note in (
        ("officer-ali", "قدردانی شهروند از پیگیری سریع سرقت خودرو"),
        ("officer1", "تشکر از رفتار محترمانه هنگام ثبت شکایت"),
    ):
        officer = User.objects.filter(username=username).first()
        if officer is not None:
            people_services.record_commendation(
                by=None,
                officer=officer,
                source="197",
                note=note,
                awarded_on=today - timedelta(days=12),
            )
    return staff.count()


def _desk_complaint(desk: User, accused: User) -> Complaint:
    draft = ComplaintDraft(
        category=Category.objects.get(code="officer-conduct"),
        incident_at=timezone.now() - timedelta(days=20),
        summary="توهین مأمور گشت هنگام توقف خودرو",
        narrative="مأمور گشت هنگام توقف خودروی من با لحن توهین‌آمیز صحبت کرد.",
        complainant_name="رضا بهرامی",
        national_code="0084575948",
        mobile="09121234567",
        station=desk.unit,
        accused_officer=accused.get_full_name(),
    )
    return file_complaint(
        by=desk,
        channel=Complaint.Channel.DESK,
        draft=draft,
        now=timezone.now() - timedelta(days=19),
    )


def _walk(case: Case, by: User, to: str, finding: str = "", measure: str = "") -> Case:
    """Take the case through the workflow up to `to`, with plausible notes."""
    notes = {
        workflow.PRELIMINARY: "پرونده برای بررسی مقدماتی ارجاع شد.",
        workflow.INVESTIGATION: "شواهد اولیه کافی است؛ تحقیق آغاز شد.",
        workflow.FINDING: "اظهارات شاکی و شاهد و فیلم دوربین با هم سازگار است.",
        workflow.MEASURES: "مأمور به دورهٔ آموزش رفتار حرفه‌ای معرفی شد.",
        workflow.CLOSED: "پرونده بسته شد.",
    }
    at = case.opened_at
    while workflow.ORDER.index(case.status) < workflow.ORDER.index(to):
        # Steps spread over the time since the case was opened, as they would have been.
        at = min(at + timedelta(days=2, hours=3), timezone.now())
        action = {workflow.INVESTIGATION: "finding", workflow.FINDING: "measure"}.get(
            case.status, "next"
        )
        nxt = workflow.ORDER[workflow.ORDER.index(case.status) + 1]
        step = services.Step(action, notes[nxt], finding, measure)
        case = services.take_step(by=by, case=case, step=step, now=at)
    return case


def _against(by: User, officer: User, summary: str, days_ago: int) -> Case:
    return services.open_case(
        by=by,
        now=timezone.now() - timedelta(days=days_ago),
        report=CaseReport(
            source_kind=Case.Source.INSPECTOR,
            station=officer.unit,
            summary=summary,
            accused_officer=officer,
        ),
    )


def _cases(inspector: User) -> int:
    people = {u.username: u for u in User.objects.filter(username__startswith="officer")}
    desk = User.objects.get(username="desk")
    # From a desk: closed with a substantiated finding; the complainant reads the outcome.
    complaint = _desk_complaint(desk, people["officer-hasan"])
    case = Case.objects.get(tracking_code=complaint.tracking_code)
    services.add_interview(
        by=inspector,
        case=case,
        person="رضا بهرامی",
        role="complainant",
        held_on=timezone.localdate() - timedelta(days=15),
        summary="شرح ماجرا را تکرار کرد و شاهد معرفی کرد.",
    )
    _walk(case, inspector, workflow.CLOSED, workflow.SUBSTANTIATED, "training")
    # With body-camera footage, under investigation.
    case = _against(inspector, people["officer-ali"], "برخورد فیزیکی هنگام بازداشت", 6)
    case = _walk(case, inspector, workflow.INVESTIGATION)
    item = services.footage_candidates(case).first()
    if item is not None:
        services.link_footage(by=inspector, case=case, item=item)
    _walk(
        _against(inspector, people["officer1"], "تأخیر عمدی در پذیرش شکایت", 3),
        inspector,
        workflow.PRELIMINARY,
    )
    _walk(
        _against(inspector, people["officer4"], "رفتار نامناسب با مراجعه‌کننده", 25),
        inspector,
        workflow.FINDING,
        workflow.NOT_SUBSTANTIATED,
    )
    _walk(
        _against(inspector, people["officer5"], "بی‌احترامی تلفنی", 40),
        inspector,
        workflow.MEASURES,
        workflow.EXONERATED,
        "none",
    )
    # An officer far above the peers: four cases in the window, two substantiated.
    reza = people["officer-reza"]
    for days, finding in (
        (150, workflow.SUBSTANTIATED),
        (90, workflow.SUBSTANTIATED),
        (60, workflow.NOT_SUBSTANTIATED),
    ):
        _walk(
            _against(inspector, reza, "برخورد تند با شهروند", days),
            inspector,
            workflow.CLOSED,
            finding,
            "warning" if finding == workflow.SUBSTANTIATED else "none",
        )
    _against(inspector, reza, "برخورد تند با شهروند", 2)
    # Another with three cases, none substantiated: a flag no finding confirms.
    for days, finding in ((120, workflow.UNFOUNDED), (70, workflow.EXONERATED)):
        _walk(
            _against(inspector, people["officer2"], "شکایت از نحوهٔ برخورد", days),
            inspector,
            workflow.CLOSED,
            finding,
            "none",
        )
    _against(inspector, people["officer2"], "شکایت از نحوهٔ برخورد", 8)
    return Case.objects.count()


def _close_one_review(inspector: User) -> None:
    review = Review.objects.filter(officer__username="officer2", closed_at__isnull=True).first()
    if review is not None:
        services.record_review_outcome(
            by=inspector,
            review=review,
            outcome=Review.Outcome.NO_ACTION,
            note="پرونده‌ها بی‌اساس یا تبرئه بودند؛ نیازی به اقدام نیست.",
        )
