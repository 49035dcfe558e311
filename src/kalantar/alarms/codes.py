"""Classify SIA DCS and Contact ID event codes into categories with a priority (pure).

The code lists come from pysiaalarm's tables (SIA codes and its Contact ID → SIA mapping);
the grouping into categories and priorities is ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from pysiaalarm.data.data import ADM_MAPPING, SIA_CODES

FIRE = "fire"
PANIC = "panic"  # panic, hold-up, duress
MEDICAL = "medical"
BURGLARY = "burglary"
TAMPER = "tamper"
TROUBLE = "trouble"
OPENING = "opening_closing"
TEST = "test"
RESTORE = "restore"
HEARTBEAT = "heartbeat"  # NULL link test
COMM_LOST = "comm_lost"  # raised by supervision, never by a panel
OTHER = "other"
UNKNOWN = "unknown"

CATEGORIES = (
    FIRE, PANIC, MEDICAL, BURGLARY, TAMPER, TROUBLE, COMM_LOST,
    OPENING, TEST, RESTORE, HEARTBEAT, OTHER, UNKNOWN,
)  # fmt: skip

# 1 is the most urgent. Categories with a priority open an alarm; the rest are logged only.
PRIORITY = {PANIC: 1, FIRE: 1, MEDICAL: 2, BURGLARY: 2, COMM_LOST: 3, TAMPER: 3, TROUBLE: 4}
ALARM_CATEGORIES = frozenset(PRIORITY)
LOG_PRIORITY = 9


@dataclass(frozen=True, slots=True)
class Classification:
    category: str
    priority: int
    known: bool
    sia_code: str  # the SIA code (Contact ID mapped through pysiaalarm's table), or ""

    @property
    def opens_alarm(self) -> bool:
        return self.category in ALARM_CATEGORIES


# SIA codes whose pysiaalarm description does not say enough on its own.
_SIA_EXPLICIT = {
    "BA": BURGLARY, "BH": RESTORE, "BR": RESTORE, "FA": FIRE, "FH": RESTORE, "FR": RESTORE,
    "PA": PANIC, "PH": RESTORE, "HA": PANIC, "HH": RESTORE, "DU": PANIC, "MA": MEDICAL,
    "MH": RESTORE, "GA": FIRE, "GH": RESTORE, "KA": FIRE, "KH": RESTORE, "WA": TROUBLE,
    "WH": RESTORE, "TA": TAMPER, "TR": RESTORE, "RP": TEST, "RX": TEST, "TX": TEST,
    "YK": RESTORE, "YS": TROUBLE, "YC": TROUBLE, "OP": OPENING, "CL": OPENING, "NL": OPENING,
    "CG": OPENING, "OG": OPENING, "AT": TROUBLE, "AR": RESTORE, "YT": TROUBLE, "YR": RESTORE,
    "UA": TROUBLE, "UH": RESTORE, "QA": MEDICAL, "QH": RESTORE, "ET": TROUBLE, "ER": RESTORE,
}  # fmt: skip

_TYPE_WORDS = (
    ("restor", RESTORE), ("test", TEST), ("tamper", TAMPER), ("trouble", TROUBLE),
    ("opening", OPENING), ("closing", OPENING), ("fire", FIRE), ("panic", PANIC),
    ("holdup", PANIC), ("hold-up", PANIC), ("duress", PANIC), ("medical", MEDICAL),
    ("burglary", BURGLARY), ("fault", TROUBLE), ("failure", TROUBLE),
)  # fmt: skip


def _by_sia(code: str) -> str:
    if code in _SIA_EXPLICIT:
        return _SIA_EXPLICIT[code]
    entry = SIA_CODES.get(code)
    if entry is None:
        return UNKNOWN
    words = entry.type.lower()
    for word, category in _TYPE_WORDS:
        if word in words:
            return category
    return OTHER


def _make(category: str, sia_code: str) -> Classification:
    priority = PRIORITY.get(category, LOG_PRIORITY)
    return Classification(category, priority, category != UNKNOWN, sia_code)


def classify_sia(code: str) -> Classification:
    return _make(_by_sia(code.upper()), code.upper())


# Contact ID event codes by family; the few codes that differ from their range come first.
_CID_EXACT = {137: TAMPER, 144: TAMPER, 145: TAMPER, 146: BURGLARY, 147: BURGLARY}
_CID_EXACT |= {151: FIRE, 158: FIRE, 162: FIRE}
_CID_RANGES = (
    (100, 109, MEDICAL),
    (110, 119, FIRE),
    (120, 129, PANIC),
    (130, 140, BURGLARY),
    (141, 199, TROUBLE),
    (300, 399, TROUBLE),
    (400, 499, OPENING),
    (500, 599, OTHER),
    (600, 609, TEST),
)


def _cid_category(code: int) -> str:
    if code in _CID_EXACT:
        return _CID_EXACT[code]
    return next((cat for low, high, cat in _CID_RANGES if low <= code <= high), UNKNOWN)


def classify_cid(qualifier: str, code: str) -> Classification:
    """Contact ID: qualifier 1 new / 3 restore / 6 still present; 4xx are openings/closings."""
    sia = ADM_MAPPING.get(code, {}).get("3" if qualifier == "3" else "1", "")
    category = _cid_category(int(code)) if code.isdigit() else UNKNOWN
    if qualifier == "3" and category not in (OPENING, UNKNOWN, TEST, OTHER):
        category = RESTORE
    return _make(category, sia)


# Most messages are heartbeats: one shared (frozen) answer for them.
_HEARTBEAT = Classification(HEARTBEAT, LOG_PRIORITY, True, "")


def classify(token: str, code: str, qualifier: str = "") -> Classification:
    if token == "NULL" or not code:
        return _HEARTBEAT
    if token == "ADM-CID":
        return classify_cid(qualifier, code)
    return classify_sia(code)
