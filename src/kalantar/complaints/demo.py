"""Demo complaints: a few hundred across stations, statuses, categories and channels.

History is written in bulk (one INSERT per table) rather than through the services, so the
demo loads in about a second; every row follows the same workflow the services enforce
(each status reached through the allowed transitions, with its timeline events). One
conduct complaint is filed through `services.file_complaint`, to show the inspection route.
The benchmark reuses `build_history` to load 100,000 complaints.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from shapely.geometry import Point, shape

from kalantar.complaints import services, workflow
from kalantar.complaints.codes import new_tracking_code
from kalantar.complaints.drafts import ComplaintDraft
from kalantar.complaints.models import Category, Complaint, ComplaintEvent
from kalantar.core import audit
from kalantar.core.persian import normalize_for_search
from kalantar.org.models import Jurisdiction, Unit
from kalantar.org.selectors import province_ids
from kalantar.people import services as people_services
from kalantar.people.demo import DEMO_PASSWORD
from kalantar.people.models import User

DEMO_COMPLAINTS = 320
# Officers the demo adds so the busiest stations have someone to assign work to.
DEMO_OFFICERS = (
    ("officer1", "HM01K01", "نرگس", "صادقی"),
    ("officer2", "HM01K02", "کاوه", "مرادی"),
    ("officer3", "HM01K03", "پریسا", "یوسفی"),
)

# Station staff who work complaints (a dispatcher, for one, does not).
COMPLAINT_ROLES = {"desk_officer", "station_chief"}

FIRST_NAMES = ("علی", "مریم", "حسن", "زهرا", "رضا", "فاطمه", "محمد", "نرگس", "امیر", "لیلا")
LAST_NAMES = ("احمدی", "کریمی", "رحیمی", "موسوی", "حیدری", "نظری", "قربانی", "اکبری", "صالحی")
STREETS = ("بوعلی", "اکباتان", "شریعتی", "تختی", "مهدیه", "خواجه رشید", "سعیدیه", "پاستور")

# category code → (summary, narrative) examples in the words citizens use
STORIES: dict[str, tuple[str, str]] = {
    "vehicle-theft": ("سرقت خودروی پژو ۲۰۶", "خودرو را شب جلوی منزل پارک کردم و صبح نبود."),
    "theft-from-vehicle": (
        "سرقت ضبط و کیف از داخل خودرو",
        "شیشه خودرو را شکسته و وسایل را برده‌اند.",
    ),
    "home-burglary": ("سرقت طلا از منزل", "در غیاب ما قفل در را شکسته و طلا و پول نقد برده‌اند."),
    "shop-burglary": ("سرقت از مغازه", "کرکره مغازه را بالا داده و اجناس و دخل را برده‌اند."),
    "snatching": ("کیف‌قاپی توسط موتورسوار", "دو نفر موتورسوار کیفم را در پیاده‌رو قاپیدند."),
    "fraud": ("کلاهبرداری اینترنتی", "با پیامک جعلی اطلاعات کارتم را گرفتند و حسابم خالی شد."),
    "assault": ("نزاع و ضرب و جرح", "در صف نانوایی با فردی درگیر شدم و مرا زخمی کرد."),
    "threat": ("تهدید تلفنی", "فردی ناشناس چند بار تماس گرفته و تهدید به آسیب کرده است."),
    "harassment": ("مزاحمت تلفنی", "یک شماره ناشناس هر شب پیامک و تماس مزاحم می‌فرستد."),
    "lost-documents": ("مفقودی کارت ملی و گواهینامه", "کیف پول حاوی مدارک شناسایی گم شده است."),
    "missing-person": ("ناپدید شدن سالمند", "پدرم از دیروز عصر از خانه بیرون رفته و برنگشته است."),
    "noise": ("سروصدای کارگاه در شب", "کارگاه مجاور تا نیمه‌شب با دستگاه کار می‌کند."),
    "public-hazard": ("چاله خطرناک در خیابان", "چاله بزرگی وسط خیابان است و موتورسواران می‌افتند."),
    "other": ("درخواست گشت‌زنی", "در کوچه ما چند شب است افراد مشکوک رفت‌وآمد می‌کنند."),
}

CHANNEL_WEIGHTS = (
    (Complaint.Channel.DESK, 45),
    (Complaint.Channel.ONLINE, 30),
    (Complaint.Channel.PHONE_110, 12),
    (Complaint.Channel.LINE_197, 8),
    (Complaint.Channel.OPEN311, 5),
)


def _national_code(rng: random.Random) -> str:
    """A random national code with a valid check digit."""
    body = f"{rng.randrange(1, 10**9):09d}"
    total = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
    return body + str(total if total < 2 else 11 - total)


def _points_in(geometry: dict, rng: random.Random, n: int) -> list[tuple[float, float]]:
    polygon = shape(geometry)
    minx, miny, maxx, maxy = polygon.bounds
    points: list[tuple[float, float]] = []
    for _try in range(n * 50):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if polygon.contains(Point(lon, lat)):
            points.append((round(lon, 6), round(lat, 6)))
            if len(points) == n:
                break
    return points or [(polygon.representative_point().x, polygon.representative_point().y)]


@dataclass
class Station:
    unit: Unit
    points: list[tuple[float, float]]
    officers: list[User] = field(default_factory=list)
    chief: User | None = None


def stations_with_places(rng: random.Random, points_each: int = 12) -> list[Station]:
    """Every active station with a jurisdiction, a few places inside it, and its staff."""
    stations = []
    for j in Jurisdiction.objects.select_related("unit").filter(unit__is_active=True):
        stations.append(Station(j.unit, _points_in(j.geometry, rng, points_each)))
    staff = User.objects.filter(is_active=True, unit__in=[s.unit for s in stations])
    by_unit = {s.unit.pk: s for s in stations}
    for user in staff.prefetch_related("groups"):
        station = by_unit[user.unit_id]
        roles = set(user.role_codes())
        if "station_chief" in roles:
            station.chief = user
        if roles & COMPLAINT_ROLES:
            station.officers.append(user)
    stations.sort(key=lambda s: s.unit.code)
    return stations


def _timeline(
    rng: random.Random, filed: datetime, category: Category, now: datetime
) -> list[tuple[str, datetime]]:
    """The statuses a complaint filed at `filed` has reached by `now`, with their times.

    Most complaints are handled in time; about one in ten waits past its deadline."""
    steps: list[tuple[str, datetime]] = []
    late = rng.random() < 0.1
    first_delay = timedelta(hours=category.first_action_hours * rng.uniform(0.1, 0.9))
    if late:
        first_delay = timedelta(hours=category.first_action_hours * rng.uniform(1.2, 4))
    at = filed + first_delay
    if at > now:
        return steps
    steps.append((workflow.ASSIGNED, at))
    at += timedelta(hours=rng.uniform(1, 48))
    if at > now:
        return steps
    if rng.random() < 0.06:
        steps.append((workflow.REJECTED, at))
    else:
        steps.append((workflow.INVESTIGATING, at))
        closure = timedelta(days=category.closure_days * rng.uniform(0.1, 0.8))
        if late:
            closure = timedelta(days=category.closure_days * rng.uniform(0.9, 1.6))
        at = max(at + timedelta(hours=rng.uniform(2, 24)), filed + closure)
        if at > now or rng.random() < 0.12:
            return steps
        steps.append((workflow.REFERRED_JUDICIARY if rng.random() < 0.3 else workflow.RESOLVED, at))
    at += timedelta(days=rng.uniform(0.5, 5))
    if at <= now:
        steps.append((workflow.CLOSED, at))
    return steps


@dataclass
class History:
    complaints: list[Complaint]
    events: list[list[ComplaintEvent]]


def build_history(
    n: int,
    *,
    stations: Sequence[Station],
    categories: Sequence[Category],
    rng: random.Random,
    now: datetime,
    days: int = 90,
    used_codes: set[str] | None = None,
) -> History:
    """`n` complaints filed over the last `days`, each with the timeline it has reached."""
    used = used_codes if used_codes is not None else set()
    # The first few stations (the city centre) are the busiest, as in real life.
    weights = [8 if i < 4 else 3 if i < 10 else 1 for i in range(len(stations))]
    channels, channel_weights = zip(*CHANNEL_WEIGHTS, strict=True)
    history = History([], [])
    provinces = province_ids(s.unit.pk for s in stations)
    for _i in range(n):
        station = rng.choices(stations, weights)[0]
        category = rng.choice(categories)
        channel = rng.choices(channels, channel_weights)[0]
        # More recent days have more complaints still open, as a live queue does.
        filed = now - timedelta(seconds=days * 86400 * rng.random() ** 2)
        code = new_tracking_code(rng)
        while code in used:
            code = new_tracking_code(rng)
        used.add(code)
        lon, lat = rng.choice(station.points)
        summary, narrative = STORIES.get(category.code, STORIES["other"])
        anonymous = category.anonymous_allowed and rng.random() < 0.5
        name = "" if anonymous else f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        place = f"همدان، خیابان {rng.choice(STREETS)}، کوچه {rng.randint(1, 40)}"
        complaint = Complaint(
            tracking_code=code,
            channel=channel,
            category=category,
            unit=station.unit,
            province_id=provinces[station.unit.pk],
            routed_unit=station.unit,
            is_anonymous=anonymous,
            complainant_name=name,
            national_code="" if anonymous else _national_code(rng),
            mobile="" if anonymous else f"091{rng.randrange(10**8):08d}",
            complainant_address="" if anonymous else place,
            incident_at=filed - timedelta(hours=rng.uniform(0.5, 30)),
            lat=lat,
            lon=lon,
            location_text=place,
            summary=summary,
            narrative=narrative,
            search_text=normalize_for_search(f"{summary} {narrative} {name} {place}"),
            received_by=(
                rng.choice(station.officers)
                if channel == Complaint.Channel.DESK and station.officers
                else None
            ),
            filed_at=filed,
            first_action_due=filed + timedelta(hours=category.first_action_hours),
            closure_due=filed + timedelta(days=category.closure_days),
        )
        events = [
            ComplaintEvent(
                kind=ComplaintEvent.Kind.FILED,
                at=filed,
                actor=complaint.received_by,
                to_status=workflow.REGISTERED,
                public=True,
            )
        ]
        _apply_timeline(complaint, events, _timeline(rng, filed, category, now), station, rng, now)
        history.complaints.append(complaint)
        history.events.append(events)
    return history


def _apply_timeline(
    complaint, events, steps, station: Station, rng: random.Random, now: datetime
) -> None:
    officer = rng.choice(station.officers) if station.officers else None
    lead = station.chief or officer
    for status, at in steps:
        previous = complaint.status
        if status == workflow.ASSIGNED and officer is not None:
            complaint.assigned_to = officer
            events.append(
                ComplaintEvent(
                    kind=ComplaintEvent.Kind.ASSIGNED,
                    at=at,
                    actor=lead,
                    from_status=previous,
                    to_status=status,
                    note=officer.get_full_name() or officer.username,
                    public=True,
                )
            )
        else:
            reason = "شکایت در صلاحیت این کلانتری نیست." if status == workflow.REJECTED else ""
            events.append(
                ComplaintEvent(
                    kind=ComplaintEvent.Kind.STATUS,
                    at=at,
                    actor=officer or lead,
                    from_status=previous,
                    to_status=status,
                    note=reason,
                    public=True,
                )
            )
            complaint.rejection_reason = reason or complaint.rejection_reason
        complaint.status = status
        complaint.first_action_at = complaint.first_action_at or at
        if status in workflow.FINISHED_STATUSES and complaint.finished_at is None:
            complaint.finished_at = at
        if status == workflow.CLOSED:
            complaint.closed_at = at
            if rng.random() < 0.6:
                complaint.satisfaction = rng.choices((1, 2, 3, 4, 5), (1, 1, 3, 6, 8))[0]
                events.append(
                    ComplaintEvent(
                        kind=ComplaintEvent.Kind.RATED,
                        at=min(now, at + timedelta(hours=rng.uniform(1, 48))),
                        note=str(complaint.satisfaction),
                    )
                )


def save_history(history: History, *, batch_size: int = 2000) -> None:
    """Insert complaints and their events in bulk."""
    Complaint.objects.bulk_create(history.complaints, batch_size=batch_size)
    if not all(c.pk for c in history.complaints):
        # Databases that do not return ids from bulk inserts: read them back by code.
        ids = dict(
            Complaint.objects.filter(
                tracking_code__in=[c.tracking_code for c in history.complaints]
            ).values_list("tracking_code", "pk")
        )
        for c in history.complaints:
            c.pk = ids[c.tracking_code]
    rows = []
    for complaint, events in zip(history.complaints, history.events, strict=True):
        for event in events:
            event.complaint = complaint
            rows.append(event)
    ComplaintEvent.objects.bulk_create(rows, batch_size=batch_size)


def _demo_officers() -> None:
    units = set(Unit.objects.values_list("code", flat=True))
    for username, unit, first, last in DEMO_OFFICERS:
        if unit in units and not User.objects.filter(username=username).exists():
            people_services.add_user(
                by=None,
                username=username,
                role="desk_officer",
                unit_code=unit,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                check_password=False,
            )


def _conduct_complaint(now: datetime) -> Complaint | None:
    station = Unit.objects.filter(code="HM01K01").first()
    category = Category.objects.filter(code="officer-conduct").first()
    if station is None or category is None:
        return None
    draft = ComplaintDraft(
        category=category,
        incident_at=now - timedelta(days=2),
        summary="برخورد نامناسب مأمور هنگام ثبت شکایت",
        narrative="مأمور پذیرش با لحن تند صحبت کرد و از ثبت شکایت من خودداری کرد.",
        complainant_name="سعید نوروزی",
        national_code="0499370899",
        station=station,
        accused_officer="مأمور پذیرش کلانتری ۱۱",
    )
    return services.file_complaint(
        by=None, channel=Complaint.Channel.ONLINE, draft=draft, now=now - timedelta(days=1)
    )


def load(progress: Callable[[str], None] = lambda msg: None, *, n: int = DEMO_COMPLAINTS) -> None:
    """The demo loader: officers, `n` complaints with their histories, one conduct complaint."""
    if Complaint.objects.exists():
        return
    rng = random.Random(1404)
    now = timezone.now()
    _demo_officers()
    stations = stations_with_places(rng)
    categories = list(Category.objects.filter(is_active=True, route=Category.Route.STATION))
    if not stations or not categories:
        return
    with transaction.atomic():
        history = build_history(n, stations=stations, categories=categories, rng=rng, now=now)
        save_history(history)
        audit.record("complaints.demo_load", detail={"complaints": n})
    _conduct_complaint(now)
    overdue = Complaint.objects.overdue(now).count()
    progress(f"{n + 1} complaints ({overdue} overdue), with their timelines")
