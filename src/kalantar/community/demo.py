"""Demo community programmes at a Hamedan station: two watch groups with their
neighbourhoods, vetted volunteers (one still waiting for the check), training, hours,
residents who subscribed, one alert sent and two safety reports."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal

import shapely
from django.utils import timezone

from kalantar.community import sending, services
from kalantar.community.models import CheckAnswer, Programme, Topic, Volunteer
from kalantar.core.jalali import TEHRAN, tehran_today
from kalantar.core.validators import national_code_check_digit
from kalantar.org.models import Unit
from kalantar.people import services as people_services
from kalantar.people.demo import DEMO_PASSWORD
from kalantar.people.models import User

STATION, SEED = "HM01K01", 16
HOODS = (("محله مدرس", "Modarres quarter", -1), ("محله خضر", "Khezr quarter", 1))
GROUPS = (
    ("نگهبانان محله مدرس", Programme.WATCH),
    ("همیاران پلیس خضر", Programme.HELPERS),
)
VOLUNTEERS = (
    ("مهدی کرمی", "کمک‌های اولیه، رانندگی"),
    ("زینب رحیمی", "مددکاری، زبان اشاره"),
    ("حمید صالحی", "برق‌کاری، آشنایی با دوربین"),
    ("فاطمه یزدانی", "آموزش کودکان"),
    ("سعید نادری", "کمک‌های اولیه"),
    ("لیلا کاظمی", "هماهنگی کسبه"),
    ("امیر توکلی", "رانندگی"),
    ("نرگس امینی", ""),
)


def _code(n: int) -> str:
    first = f"{4000000 + n * 7919:09d}"
    return first + str(national_code_check_digit(first))


def _square(lon: float, lat: float, size: float) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size]]
    ring = [[round(x, 6), round(y, 6)] for x, y in ring]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def load(progress: Callable[[str], None] = lambda msg: None) -> None:
    station = Unit.objects.filter(code=STATION).select_related("jurisdiction").first()
    if station is None or Volunteer.objects.exists():
        return
    centre = shapely.geometry.shape(station.jurisdiction.geometry).representative_point()
    chief = User.objects.filter(username="chief").first()
    officer = people_services.add_user(
        by=None,
        username="liaison",
        role="community_officer",
        unit_code=STATION,
        password=DEMO_PASSWORD,
        first_name="کاوه",
        last_name="شریفی",
        check_password=False,
    )
    groups = []
    for (name, name_en, side), (group_name, programme) in zip(HOODS, GROUPS, strict=True):
        area = _square(centre.x + side * 0.004 - 0.002, centre.y - 0.002, 0.006)
        hood = services.add_neighbourhood(
            by=chief, station=station, name=name, name_en=name_en, area=area
        )
        groups.append(
            services.add_group(
                by=chief,
                neighbourhood=hood,
                name=group_name,
                programme=programme,
                contact_officer=officer,
            )
        )
    volunteers = _volunteers(chief, station, groups)
    progress(f"{len(groups)} volunteer groups with {len(volunteers)} volunteers")
    _training_and_hours(chief, groups, volunteers)
    alert = _subscribers_and_alert(chief, groups[0].neighbourhood, groups[1].neighbourhood)
    progress(f"alert sent to {alert.recipients} subscribers")
    _reports(chief, volunteers[0], groups[0].neighbourhood)


def _volunteers(by, station, groups) -> list[Volunteer]:
    made = []
    for n, (name, skills) in enumerate(VOLUNTEERS):
        group = groups[n % 2]
        draft = services.VolunteerDraft(
            full_name=name,
            national_code=_code(n),
            mobile=f"0912{3000000 + n * 137:07d}",
            programme=group.programme,
            group=group,
            area=group.neighbourhood.area,
            skills=skills,
            references="معرفی‌شده از سوی شورای‌یاری محله",
        )
        volunteer = services.register_volunteer(by=by, station=station, draft=draft)
        if n < len(VOLUNTEERS) - 1:
            services.request_check(by=by, volunteer=volunteer)
        if n < len(VOLUNTEERS) - 2:
            services.answer_check(
                by=by,
                volunteer=volunteer,
                answer=CheckAnswer.CLEARED,
                letter=f"۱۴۰۵/{120 + n}",
                references="",
            )
        made.append(volunteer)
    account = people_services.add_user(
        by=None,
        username="volunteer",
        role="volunteer",
        unit_code=station.code,
        password=DEMO_PASSWORD,
        first_name="مهدی",
        last_name="کرمی",
        check_password=False,
    )
    services.link_account(by=by, volunteer=made[0], user=account)
    return made


def _training_and_hours(by, groups, volunteers) -> None:
    rng = random.Random(SEED)
    today = tehran_today()
    for weeks, title in ((6, "آشنایی با پیشگیری از سرقت منزل"), (2, "کمک‌های اولیه و گزارش‌دهی")):
        for group in groups:
            session = services.add_session(
                by=by,
                station=group.station,
                group=group,
                title=title,
                held_on=today - timedelta(weeks=weeks),
                trainer="سرگرد شریفی",
            )
            members = [v for v in volunteers if v.group_id == group.pk]
            services.record_attendance(by=by, session=session, present=members[:-1])
    for volunteer in volunteers[:6]:
        services.assign(
            by=by,
            volunteer=volunteer,
            title="گشت شبانهٔ محله با هماهنگی کلانتری",
            starts_on=today - timedelta(days=30),
        )
        for day in range(3):
            entry = services.log_hours(
                by=by,
                volunteer=volunteer,
                worked_on=today - timedelta(days=3 + day * 7),
                hours=Decimal(rng.choice(("2", "2.5", "3", "4"))),
                note="گشت شبانه",
            )
            if day:
                declined = day == 2 and volunteer.pk % 3 == 0
                services.decide_hours(
                    by=by, entry=entry, approve=not declined, note="بدون گزارش" if declined else ""
                )


def _subscribers_and_alert(by, hood, other):
    rng = random.Random(SEED)
    topics = [t.value for t in Topic]
    for n in range(60):
        services.subscribe(
            draft=services.SubscriptionDraft(
                neighbourhood=hood if n < 45 else other,
                mobile=f"0935{4000000 + n * 311:07d}",
                kind="shopkeeper" if n % 4 == 0 else "resident",
                topics=[*rng.sample(topics, 3), "burglary"],
                min_priority=rng.choice((1, 1, 2)),
                quiet_from=time(23) if n % 3 == 0 else None,
                quiet_to=time(7) if n % 3 == 0 else None,
            )
        )
    alert = services.compose_alert(
        by=by,
        neighbourhood=hood,
        topic="burglary",
        priority=2,
        text="در هفتهٔ گذشته سه سرقت منزل در خیابان‌های اطراف میدان مدرس رخ داده است. "
        "درها را دو قفله کنید و رفت‌وآمد ناآشنا را به ۱۱۰ خبر دهید.",
    )
    sending.run(budget_seconds=10)
    alert.refresh_from_db()
    return alert


def _reports(by, volunteer, hood) -> None:
    now = timezone.now()
    first = services.file_report(
        volunteer=volunteer,
        by=volunteer.user,
        draft=services.ReportDraft(
            neighbourhood=hood,
            behaviour="doors",
            what_happened="دو نفر دستگیرهٔ چند خودروی پارک‌شده را امتحان می‌کردند.",
            happened_at=now - timedelta(days=2, hours=3),
            place="کوچهٔ شهید بهشتی",
            details={
                "clothing_top": "کاپشن سرمه‌ای",
                "vehicle": "موتورسیکلت قرمز بدون پلاک",
                "age": "حدود بیست سال",
            },
        ),
    )
    services.review_report(
        by=by,
        report=first,
        reply="گشت شبانه در این کوچه افزایش یافت. از گزارش دقیق شما سپاسگزاریم.",
    )
    services.file_report(
        draft=services.ReportDraft(
            neighbourhood=hood,
            behaviour="danger",
            what_happened="چراغ‌های کوچه چند شب است خاموش است و رفت‌وآمد شبانه ناامن شده.",
            happened_at=datetime.combine(
                tehran_today() - timedelta(days=1), time(21), tzinfo=TEHRAN
            ),
            place="کوچهٔ نسترن",
            details={},
            mobile="09181234567",
        ),
    )
