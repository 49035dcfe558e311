"""Demo guard tours and reports: a site of station HM01K01 with three checkpoints and a
plan; last night's rounds (one clean, one late and missing a stop, one nobody walked),
a guard's theft report that became the station's incident and was answered, an incident
naming a guard that raised a review for the registrar, and an institution's desk user.

Uses the institution, guard and site of the register's demo when they exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from kalantar.core.jalali import TEHRAN, tehran_today
from kalantar.core.persian import to_persian_digits
from kalantar.incidents import services as incident_services
from kalantar.incidents.drafts import IncidentReport
from kalantar.incidents.models import Incident
from kalantar.org.models import Unit
from kalantar.people.demo import DEMO_PASSWORD
from kalantar.security_firms import cooperation, tour_codes, tours
from kalantar.security_firms.models import (
    Checkpoint,
    ContractSite,
    Guard,
    Institution,
    InstitutionStaff,
    TourPlan,
    TourStop,
)

STATION = "HM01K01"
DESK_USER = "institution-desk"
# Metres east of the site for each checkpoint (about 0.00001° of longitude per metre here).
CHECKPOINTS = (("درِ ورودی", 0), ("انبار", 40), ("پارکینگ", 80))


def national_code(nine: str) -> str:
    """A valid national code from nine digits (its check digit appended)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine)) % 11
    return nine + str(total if total < 2 else 11 - total)


def load(progress: Callable[[str], None] = lambda msg: None) -> None:
    station = Unit.objects.filter(code=STATION).first()
    if station is None or station.hq_lon is None or TourPlan.objects.exists():
        return
    site, guard = _site_and_guard(station)
    plan = _plan(site)
    _rounds(plan, guard)
    closed = tours.close_due_rounds(since=timedelta(days=1))
    progress(f"tour plan at {site.name}: {closed} rounds closed, with missed checkpoints")
    _report(guard, site)
    _desk_user(site.institution)
    link = tours.issue_phone(by=None, guard=guard)
    progress(f"guard's phone link: /guards/phone/{link}/")


def _site_and_guard(station: Unit) -> tuple[ContractSite, Guard]:
    site = ContractSite.objects.filter(station=station, is_active=True).first()
    if site is None:
        site = ContractSite.objects.create(
            institution=_institution(station),
            name="فروشگاه بزرگ الوند",
            client="شرکت تعاونی الوند",
            address="همدان، بلوار مدرس",
            lon=station.hq_lon + 0.004,
            lat=station.hq_lat + 0.003,
            station=station,
        )
    guard = Guard.objects.filter(
        institution=site.institution, status=Guard.Status.ACTIVE
    ).first() or _guard(site.institution)
    return site, guard


def _institution(station: Unit) -> Institution:
    province = station.parent.parent
    found = Institution.objects.filter(province=province).first()
    if found is not None:
        return found
    today = tehran_today()
    return Institution.objects.create(
        licence_number="HM-1402-017",
        name="موسسه حفاظتی و مراقبتی نگاهبان الوند",
        province=province,
        licence_issued=today - timedelta(days=700),
        licence_expires=today + timedelta(days=400),
        activities=["guarding", "alarm_response"],
    )


def _guard(institution: Institution) -> Guard:
    today = tehran_today()
    return Guard.objects.create(
        national_code=national_code("386012345"),
        first_name="مجید",
        last_name="سلیمانی",
        birth_date=date(1990, 5, 1),
        institution=institution,
        activities=["guarding"],
        licence_number="G-HM-000101",
        licence_issued=today - timedelta(days=300),
        licence_expires=today + timedelta(days=430),
        status=Guard.Status.ACTIVE,
    )


def _plan(site: ContractSite) -> TourPlan:
    plan = TourPlan.objects.create(
        site=site, name="گشت شبانه", start_times="22:00, 02:00", tolerance_minutes=5
    )
    for order, (name, east_m) in enumerate(CHECKPOINTS, start=1):
        checkpoint = Checkpoint.objects.create(
            site=site, name=name, lon=site.lon + east_m * 0.000011, lat=site.lat
        )
        TourStop.objects.create(
            plan=plan, checkpoint=checkpoint, order=order, minutes_after_start=(order - 1) * 10
        )
    return plan


def _scan(guard: Guard, stop: TourStop, at: datetime, far: bool = False) -> None:
    checkpoint = stop.checkpoint
    code = tour_codes.make_code(tours.tour_key(), checkpoint.pk, at)
    lon = checkpoint.lon + (0.025 if far else 0.00005)
    tours.record_scan(guard=guard, code=code, lon=lon, lat=checkpoint.lat, now=at)


def _rounds(plan: TourPlan, guard: Guard) -> None:
    """Yesterday 22:00: every stop on time. Today 02:00: the first stop late, the second
    missed, the third scanned 2 km away. Today 22:00 (if over) nobody walked."""
    stops = list(plan.stops.select_related("checkpoint").order_by("order"))
    evening = datetime.combine(tehran_today() - timedelta(days=1), time(22), tzinfo=TEHRAN)
    night = evening + timedelta(hours=4)
    if night + timedelta(minutes=40) > timezone.now():
        evening, night = evening - timedelta(days=1), night - timedelta(days=1)
    for stop in stops:
        _scan(guard, stop, evening + timedelta(minutes=stop.minutes_after_start + 1))
    _scan(guard, stops[0], night + timedelta(minutes=12))
    _scan(guard, stops[2], night + timedelta(minutes=22), far=True)


def _report(guard: Guard, site: ContractSite) -> None:
    now = timezone.now()
    report = cooperation.file_report(
        by=None,
        guard=guard,
        kind="theft",
        narrative="دو نفر هنگام بازدید پارکینگ از روی دیوار وارد انبار شدند و با دو کارتن "
        "کالا گریختند. خودروی آنها پراید سفید بود.",
        occurred_at=now - timedelta(minutes=25),
        channel="phone",
        site=site,
    )
    chief = get_user_model().objects.filter(username="chief").first()
    if chief is not None:
        cooperation.answer_report(
            by=chief,
            report=report,
            answer="گشت کلانتری اعزام شد؛ پرونده تشکیل و تصاویر دوربین فروشگاه درخواست شد.",
        )
    # An incident naming the guard (a fight at the gate): a review for the registrar.
    incident_services.open_incident(
        by=None,
        report=IncidentReport(
            source=Incident.Source.CALL_110,
            category="assault",
            lon=site.lon,
            lat=site.lat,
            occurred_at=now - timedelta(hours=3),
            narrative=f"نزاع جلوی در محل؛ نگهبان (کد ملی {to_persian_digits(guard.national_code)}) "
            "طرف دعوا بود.",
        ),
    )


def _desk_user(institution: Institution) -> None:
    users = get_user_model()
    if users.objects.filter(username=DESK_USER).exists():
        return
    user = users.objects.create_user(
        username=DESK_USER,
        password=DEMO_PASSWORD,
        first_name="نرگس",
        last_name="امینی",
    )
    InstitutionStaff.objects.create(user=user, institution=institution)
