"""Demo data: Hamedan's agencies, and a project opened from the demo surge alert with a
referral to the municipality."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from kalantar.analytics.models import SurgeAlert
from kalantar.core.jalali import tehran_today
from kalantar.org.models import Unit
from kalantar.problems import services
from kalantar.problems.drafts import AgencyDraft, ProblemDraft
from kalantar.problems.models import Agency, Problem

# (name, English name, kind, e-mail, phone, contact name, contact position)
HAMEDAN_AGENCIES = (
    (
        "شهرداری همدان",
        "Hamedan Municipality",
        "municipality",
        "info@hamedan.example",
        "08138250000",
        "مهندس رحیمی",
        "معاون خدمات شهری",
    ),
    (
        "شهرداری منطقه ۱ همدان",
        "Hamedan Municipality, District 1",
        "municipality",
        "district1@hamedan.example",
        "08138251111",
        "مهندس صالحی",
        "شهردار منطقه",
    ),
    (
        "شرکت توزیع نیروی برق استان همدان (روشنایی معابر)",
        "Hamedan Electricity Distribution (street lighting)",
        "lighting",
        "lighting@tavanir-hamedan.example",
        "08132520000",
        "مهندس امیری",
        "مدیر روشنایی معابر",
    ),
    (
        "پلیس راهور استان همدان",
        "Hamedan Traffic Police",
        "traffic",
        "rahvar@hamedan.example",
        "08132640000",
        "سرهنگ نادری",
        "معاون اجتماعی",
    ),
    (
        "اداره کل راهداری و حمل‌ونقل جاده‌ای استان همدان",
        "Hamedan Roads Administration",
        "roads",
        "roads@hamedan.example",
        "08134420000",
        "مهندس فرهادی",
        "مدیر ایمنی راه‌ها",
    ),
    (
        "اداره کل بهزیستی استان همدان",
        "Hamedan Social Welfare",
        "welfare",
        "behzisti@hamedan.example",
        "08138270000",
        "خانم کرمی",
        "مدیر امور اجتماعی",
    ),
    (
        "اداره کل آموزش و پرورش استان همدان",
        "Hamedan Education",
        "education",
        "edu@hamedan.example",
        "08138260000",
        "آقای یوسفی",
        "معاون پرورشی",
    ),
    (
        "دانشگاه علوم پزشکی همدان",
        "Hamedan University of Medical Sciences",
        "health",
        "health@umsha.example",
        "08138380000",
        "دکتر شریفی",
        "معاون بهداشت",
    ),
    (
        "دادگستری استان همدان",
        "Hamedan Province Judiciary",
        "judiciary",
        "dadgostari@hamedan.example",
        "08138210000",
        "آقای مرادی",
        "رئیس دفتر پیشگیری از وقوع جرم",
    ),
)


def load_demo(progress: Callable[[str], None]) -> None:
    province = Unit.objects.get(code="HM")
    for name, name_en, kind, email, phone, contact, title in HAMEDAN_AGENCIES:
        draft = AgencyDraft(
            name=name,
            name_en=name_en,
            kind=kind,
            email=email,
            phone=phone,
            contacts=[{"name": contact, "title": title, "email": email}],
        )
        services.create_agency(by=None, unit=province, draft=draft)
    progress(f"{len(HAMEDAN_AGENCIES)} agencies of Hamedan")
    problem = _problem_from_alert() or _manual_problem()
    if problem is None:
        return
    services.send_referral(
        by=None,
        problem=problem,
        agency=Agency.objects.get(name="شهرداری همدان"),
        subject="روشنایی معابر و فضای بی‌دفاع در محدوده افزایش سرقت",
        evidence=(
            "افزایش معنی‌دار سرقت در ۲۸ روز گذشته در حوزه کلانتری؛ بیشتر رخدادها پس از تاریکی "
            "و در کوچه‌های کم‌نور و اطراف زمین بایر رخ داده است."
        ),
        ask="ترمیم روشنایی معابر، پاک‌سازی و حصارکشی زمین بایر و نصب دوربین در ورودی کوچه‌ها.",
        deadline=tehran_today() + timedelta(days=14),
    )
    progress(f"project {problem.number} with a referral to the municipality")


def _problem_from_alert():
    alert = SurgeAlert.objects.filter(status=SurgeAlert.Status.OPEN).order_by("-z").first()
    if alert is None:
        return None
    return services.open_problem_from_alert(by=None, alert=alert)


def _manual_problem():
    station = Unit.objects.filter(code="HM01K01").first()
    if station is None:
        return None
    today = tehran_today()
    draft = ProblemDraft(
        title="افزایش سرقت در محدوده کلانتری",
        period_start=today - timedelta(days=27),
        period_end=today,
        categories=["home-burglary"],
        trigger="گزارش رئیس کلانتری",
    )
    return services.open_problem(by=None, unit=station, origin=Problem.Origin.MANUAL, draft=draft)
