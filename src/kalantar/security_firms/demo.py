"""Demo register in Hamedan: three institutions, guards in every status, contract sites in
several stations' jurisdictions with posts and today's shifts, guards on duty now, and a
guard whose licence was revoked and who was taken off the roster at once. Everything goes
through the services, so the demo's audit log reads like a real one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import shapely
from django.utils import timezone

from kalantar.core.jalali import tehran_today
from kalantar.core.validators import national_code_check_digit
from kalantar.org.models import Jurisdiction, Unit
from kalantar.people.models import User
from kalantar.security_firms import assessments, services
from kalantar.security_firms.models import (
    Guard,
    Indicator,
    Institution,
    TrainingPolicy,
    VettingCheck,
)

PROVINCE = "HM"
PHOTOS = Path(__file__).parent / "demo_data"
HOURS_4, HOURS_8 = timedelta(hours=4), timedelta(hours=8)
INSTITUTIONS = (
    ("HM-0101", "مؤسسه انتظام الوند", ["guarding", "escort", "event_security"], "08138221100"),
    ("HM-0102", "مؤسسه انتظام همگام امن", ["guarding", "alarm_response"], "08138332200"),
    ("HM-0103", "مؤسسه انتظام سپهر", ["guarding", "cash_transit"], "08138443300"),
)
FIRST = ("علی", "رضا", "حسین", "مهدی", "محمد", "امیر", "سعید", "جواد", "کاظم", "ناصر", "یوسف")
LAST = ("کریمی", "احمدی", "رحیمی", "نوری", "صادقی", "موسوی", "حیدری", "جعفری", "قاسمی", "زارعی")
SITES = (
    ("بانک ملی شعبه مرکزی", ["درب اصلی", "خزانه"]),
    ("بیمارستان بعثت", ["ورودی اورژانس", "پارکینگ"]),
    ("مجتمع تجاری بوعلی", ["لابی", "ورودی شرقی"]),
    ("دانشگاه بوعلی سینا", ["سردر اصلی"]),
    ("پایانه مسافربری", ["سالن انتظار"]),
)
# (first, last, status): one guard for each status but active, which the rest are.
SPECIAL = (
    ("سجاد", "امینی", "applicant"),
    ("بهروز", "شریفی", "suspended"),
    ("کامران", "طاهری", "expired"),
    ("مرتضی", "فلاحی", "rejected"),
)


def _code(n: int) -> str:
    nine = f"{n:09d}"
    return nine + str(national_code_check_digit(nine))


def _stations_with_points() -> list[tuple[Unit, tuple[float, float]]]:
    found = []
    areas = Jurisdiction.objects.filter(unit__path__startswith=_province().path)
    for j in areas.select_related("unit").order_by("unit__code")[: len(SITES)]:
        point = shapely.geometry.shape(j.geometry).representative_point()
        found.append((j.unit, (point.x, point.y)))
    return found


def _province() -> Unit:
    return Unit.objects.get(code=PROVINCE)


def load(progress: Callable[[str], None] = lambda msg: None) -> None:
    if Institution.objects.exists() or not Unit.objects.filter(code=PROVINCE).exists():
        return
    registrar = User.objects.filter(username="registrar").first()
    TrainingPolicy.objects.get_or_create(province=None)
    institutions = _institutions(registrar)
    guards = _guards(institutions, registrar)
    sites = _sites(institutions, registrar)
    on_duty = _rosters(sites, guards, registrar)
    _revocation(guards, registrar)
    _assessments(institutions, registrar)
    progress(
        f"{len(institutions)} security institutions, {Guard.objects.count()} guards, "
        f"{len(sites)} contract sites, {on_duty} guards on duty"
    )


def _institutions(by) -> list[Institution]:
    today = tehran_today()
    return [
        services.create_institution(
            by=by,
            licence_number=number,
            name=name,
            province=_province(),
            licence_issued=today - timedelta(days=400),
            licence_expires=today + timedelta(days=700),
            activities=activities,
            head_office_phone=phone,
            head_office_address="همدان، بلوار بوعلی",
        )
        for number, name, activities, phone in INSTITUTIONS
    ]


def _photo(n: int) -> bytes:
    # Drawn silhouettes, not photographs of anyone.
    return (PHOTOS / f"guard{n % 3}.jpg").read_bytes()


def _licensed(institution, n: int, by, *, first: str, last: str) -> Guard:
    guard = services.apply(
        by=by,
        institution=institution,
        national_code=_code(386_000_000 + n),
        first_name=first,
        last_name=last,
        birth_date=date(1975 + n % 20, 1 + n % 12, 1 + n % 27),
        activities=["guarding"],
        photo=_photo(n),
    )
    for item in VettingCheck.Item.values:
        services.record_check(by=by, guard=guard, item=item, result="passed")
    services.record_training(
        by=by,
        guard=guard,
        course="دوره پایه نگهبانی",
        hours=Decimal(40),
        provider="مرکز آموزش انتظام همدان",
        completed_on=tehran_today() - timedelta(days=20 + n),
        certificate_number=f"TR-{1400 + n}",
    )
    return services.issue_licence(by=by, guard=guard)


def _guards(institutions: list[Institution], by) -> list[Guard]:
    guards = []
    for n in range(15):
        institution = institutions[n % len(institutions)]
        first, last = FIRST[n % len(FIRST)], LAST[(n * 3) % len(LAST)]
        guards.append(_licensed(institution, n, by, first=first, last=last))
    for k, (first, last, status) in enumerate(SPECIAL, start=20):
        _special(institutions[k % len(institutions)], k, by, first, last, status)
    return guards


def _special(institution, n: int, by, first: str, last: str, status: str) -> None:
    if status in ("applicant", "rejected"):
        guard = services.apply(
            by=by,
            institution=institution,
            national_code=_code(386_000_000 + n),
            first_name=first,
            last_name=last,
            birth_date=date(1995, 3, 3),
            activities=["guarding"],
        )
        services.record_check(by=by, guard=guard, item="identity", result="passed")
        services.record_check(by=by, guard=guard, item="record_request", result="passed")
        if status == "rejected":
            services.record_check(by=by, guard=guard, item="record_answer", result="failed")
            services.reject_application(by=by, guard=guard, reason="سوءپیشینه مؤثر")
        return
    guard = _licensed(institution, n, by, first=first, last=last)
    if status == "suspended":
        services.change_status(by=by, guard=guard, status="suspended", reason="بررسی شکایت")
    else:
        guard.licence_expires = tehran_today() - timedelta(days=5)
        guard.save(update_fields=["licence_expires"])
        services.expire_licences()


def _sites(institutions: list[Institution], by) -> list:
    sites = []
    for k, ((_station, (lon, lat)), (name, posts)) in enumerate(
        zip(_stations_with_points(), SITES, strict=False)
    ):
        site = services.create_site(
            by=by,
            institution=institutions[k % len(institutions)],
            name=name,
            client=name,
            lon=lon,
            lat=lat,
        )
        for post in posts:
            services.add_post(by=by, site=site, name=post)
        sites.append(site)
    return sites


def _rosters(sites, guards: list[Guard], by) -> int:
    """Two shifts at each post, now and next; each guard on at most one post at a time."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    free = {site.institution_id: [] for site in sites}
    for g in guards:
        free.setdefault(g.institution_id, []).append(g)
    on_duty = 0
    for site in sites:
        staff = free[site.institution_id]
        for post in site.posts.order_by("pk"):
            if len(staff) < 2:
                break
            shift = services.add_shift(
                by=by,
                post=post,
                starts_at=now - timedelta(hours=4),
                ends_at=now + timedelta(hours=8),
            )
            later = services.add_shift(
                by=by,
                post=post,
                starts_at=now + timedelta(hours=8),
                ends_at=now + timedelta(hours=16),
            )
            services.assign(by=by, shift=shift, guard=staff.pop(0))
            services.assign(by=by, shift=later, guard=staff.pop(0))
            on_duty += 1
    return on_duty


def _revocation(guards: list[Guard], by) -> None:
    """The first guard on duty loses the licence: taken off now, the station told."""
    rostered = [g for g in guards if g.assignments.filter(removed_at__isnull=True).exists()]
    if rostered:
        services.change_status(by=by, guard=rostered[0], status="revoked", reason="حکم قطعی دادگاه")


def _assessments(institutions: list[Institution], by) -> None:
    """Last year's assessments: one approved on conditions with a written warning, one
    approved outright; this year's still open for one of them."""
    year = assessments.current_year()
    indicators = list(Indicator.objects.filter(is_active=True)[:3])
    if len(institutions) < 2 or len(indicators) < 3:
        return
    first, second = institutions[:2]
    weak = assessments.open_assessment(
        by=by, institution=first, year=year - 1, self_assessment="همهٔ نگهبانان آموزش پایه دارند."
    )
    for indicator, kind, note in (
        (indicators[0], "must_fix", "پروندهٔ گزینش دو نگهبان ناقص است."),
        (indicators[1], "should_fix", "آموزش سالانهٔ سه نگهبان عقب افتاده است."),
        (indicators[2], "good_practice", "لوح نگهبانی به‌روز و کامل است."),
    ):
        assessments.record_finding(
            by=by, assessment=weak, indicator=indicator, kind=kind, note=note
        )
    assessments.decide(
        by=by, assessment=weak, decision="conditional", note="رفع نقص گزینش تا سه ماه."
    )
    assessments.impose_sanction(
        by=by,
        institution=first,
        kind="warning",
        reason="نقص پروندهٔ گزینش نگهبانان",
        assessment=weak,
    )
    good = assessments.open_assessment(by=by, institution=second, year=year - 1)
    assessments.decide(by=by, assessment=good, decision="approved")
    assessments.open_assessment(by=by, institution=second, year=year)
