"""The cooperation guideline's reporting rules: what a guard must report, to whom and
within what time, and the incident category each becomes. Pure: no database."""

from __future__ import annotations

from dataclasses import dataclass

from kalantar.core.persian import localized


@dataclass(frozen=True)
class ReportingRule:
    kind: str
    name_fa: str
    name_en: str
    category: str  # the incident category the station records it under
    within_minutes: int
    to_whom_fa: str
    to_whom_en: str

    @property
    def name(self) -> str:
        return localized(self.name_fa, self.name_en)

    @property
    def to_whom(self) -> str:
        return localized(self.to_whom_fa, self.to_whom_en)


_STATION_FA = "کلانتری یا پاسگاه محل (از طریق این سامانه) و مسئول شیفت موسسه"
_STATION_EN = "The station of the place (through this system) and the institution's shift lead"
_FIRST_110_FA = "نخست تماس با ۱۱۰، سپس ثبت در این سامانه برای کلانتری محل"
_FIRST_110_EN = "First a call to 110, then a report in this system to the station of the place"

RULES: tuple[ReportingRule, ...] = (
    ReportingRule("theft", "سرقت", "Theft", "shop-burglary", 15, _STATION_FA, _STATION_EN),
    ReportingRule(
        "suspicious",
        "رفت‌وآمد یا رفتار مشکوک",
        "Suspicious activity",
        "other",
        30,
        _STATION_FA,
        _STATION_EN,
    ),
    ReportingRule("fire", "آتش‌سوزی", "Fire", "alarm-fire", 5, _FIRST_110_FA, _FIRST_110_EN),
    ReportingRule(
        "violence", "خشونت یا نزاع", "Violence", "assault", 5, _FIRST_110_FA, _FIRST_110_EN
    ),
    ReportingRule(
        "alarm",
        "به صدا درآمدن هشدار در محل مشتری",
        "An alarm on a client's premises",
        "alarm",
        10,
        _STATION_FA,
        _STATION_EN,
    ),
)
KINDS = tuple(r.kind for r in RULES)
_BY_KIND = {r.kind: r for r in RULES}


def rule(kind: str) -> ReportingRule | None:
    return _BY_KIND.get(kind)


def label(kind: str) -> str:
    found = _BY_KIND.get(kind)
    return found.name if found else kind


def choices() -> list[tuple[str, str]]:
    return [(r.kind, r.name) for r in RULES]
