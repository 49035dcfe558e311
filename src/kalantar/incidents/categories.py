"""Incident categories: the crime codes shared with complaints, plus traffic and public order.

Pure: no database. Crime codes are the complaint categories' codes, so a complaint's
incident keeps its category unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from kalantar.core.persian import localized


@dataclass(frozen=True)
class IncidentCategory:
    code: str
    name_fa: str
    name_en: str
    group: str  # "crime" | "traffic" | "order" | "service" | "alarm"
    default_priority: int


CATEGORIES: tuple[IncidentCategory, ...] = (
    IncidentCategory("vehicle-theft", "سرقت خودرو", "Vehicle theft", "crime", 2),
    IncidentCategory("theft-from-vehicle", "سرقت از خودرو", "Theft from a vehicle", "crime", 3),
    IncidentCategory("home-burglary", "سرقت از منزل", "Home burglary", "crime", 2),
    IncidentCategory("shop-burglary", "سرقت از مغازه", "Shop burglary", "crime", 2),
    IncidentCategory("snatching", "کیف‌قاپی و جیب‌بری", "Snatching or pickpocketing", "crime", 2),
    IncidentCategory("fraud", "کلاهبرداری", "Fraud", "crime", 4),
    IncidentCategory("assault", "ضرب و جرح و نزاع", "Assault or fight", "crime", 1),
    IncidentCategory("threat", "تهدید", "Threat", "crime", 2),
    IncidentCategory("harassment", "مزاحمت", "Harassment", "crime", 3),
    IncidentCategory("lost-documents", "مفقودی مدارک", "Lost documents", "service", 4),
    IncidentCategory("missing-person", "فقدان فرد", "Missing person", "service", 1),
    IncidentCategory("noise", "مزاحمت صوتی", "Noise or nuisance", "order", 4),
    IncidentCategory("public-hazard", "خطر در فضای عمومی", "Public-space hazard", "order", 3),
    IncidentCategory("other", "سایر", "Other", "service", 4),
    IncidentCategory("traffic-accident", "تصادف رانندگی", "Traffic accident", "traffic", 1),
    IncidentCategory("traffic-violation", "تخلف رانندگی", "Traffic violation", "traffic", 4),
    IncidentCategory("public-disorder", "اخلال در نظم عمومی", "Public disorder", "order", 2),
    # An alarm centre's dispatch: one category per class of alarm, so a fire alarm is never
    # counted as a burglary. "alarm" (class not recorded) is kept for earlier records.
    IncidentCategory("alarm-fire", "هشدار آتش‌سوزی", "Fire alarm", "alarm", 1),
    IncidentCategory(
        "alarm-panic", "هشدار اضطراری (تهدید یا اجبار)", "Panic or duress alarm", "alarm", 1
    ),
    IncidentCategory("alarm-medical", "هشدار فوریت پزشکی", "Medical alarm", "alarm", 2),
    IncidentCategory("alarm-burglary", "هشدار سرقت (دزدگیر)", "Burglar alarm", "alarm", 2),
    IncidentCategory("alarm-tamper", "هشدار دستکاری سامانه", "Tamper alarm", "alarm", 3),
    IncidentCategory("alarm-technical", "هشدار فنی سامانه", "Technical alarm", "alarm", 4),
    IncidentCategory("alarm", "هشدار سامانه امنیتی (نوع ثبت نشده)", "Alarm activation", "alarm", 2),
)

CODES: tuple[str, ...] = tuple(c.code for c in CATEGORIES)
_BY_CODE = {c.code: c for c in CATEGORIES}


def is_known(code: str) -> bool:
    return code in _BY_CODE


def get(code: str) -> IncidentCategory | None:
    return _BY_CODE.get(code)


def label(code: str) -> str:
    """The category's name in the active language (the code itself if unknown)."""
    category = _BY_CODE.get(code)
    if category is None:
        return code
    return localized(category.name_fa, category.name_en)


def default_priority(code: str) -> int:
    category = _BY_CODE.get(code)
    return category.default_priority if category else 3


def choices() -> list[tuple[str, str]]:
    return [(c.code, label(c.code)) for c in CATEGORIES]
