"""Persian text normalisation: the one place where stored and searched text is made uniform.

Every name or text that enters the system goes through `normalize_text` once, at the boundary
(forms, services, importers); every search term goes through `normalize_for_search`. Both are
pure functions built on `str.translate` tables prepared at import time.

Choices, so that the same words are always stored the same way:

* Arabic letter forms become Persian: ي and ى → ی, ك → ک, ة → ه. Persian spells Arabic
  names that end in ة with ه (فاطمه، طاهره), so ه is the right default; ت would be wrong for
  most names and words.
* Digits are stored as Latin digits (0-9), whether typed as Persian (۰-۹) or Arabic-Indic
  (٠-٩) digits. Storage is for machines: one form sorts, matches and exports alike, as
  national codes and phone numbers already are. Templates show Persian digits with the
  `digits`, `number`, `jdate` filters.
* Vocalisation marks (harakat, tanwin, shadda, sukun, superscript alef, Quranic marks) and
  the tatweel ـ are removed; the hamza marks (ٔ ٕ ٓ) are kept because Persian writes them
  (خانهٔ). Decomposed letters are composed first, so آ typed as ا + ٓ stays آ.
* Arabic presentation forms and full-width Latin are folded to ordinary letters.
* ZWNJ (نیم‌فاصله, U+200C) is kept only between two letters, where it means something:
  runs collapse to one, and a ZWNJ next to a space, a digit, punctuation or an end is
  dropped. U+200B (zero width space, a common stand-in on web pages) becomes a ZWNJ.
  U+200D (zero width joiner) is removed, not turned into a ZWNJ: between letters it only
  forces joining, which is what the letters do without it, so removing it keeps the look.
* Invisible direction marks (LRM, RLM, embeddings, isolates), soft hyphens, byte order marks
  and control characters are removed: they make equal-looking text unequal, and NUL is
  refused by PostgreSQL.
* Whitespace runs become one space and the ends are stripped; with ``multiline=True`` line
  breaks survive (at most one empty line in a row), for descriptions and notes.

Searching (`normalize_for_search`) adds case folding and treats a ZWNJ as a space, so
"می‌رود" and "می رود" are the same search. `search_key` goes further for name look-ups: it
also folds hamza seats (أ إ آ ٱ → ا, ؤ → و, ئ → ی, ۀ → ه) and removes every space, so
"می‌رود", "می رود" and "میرود" are equal. Apply the same function to both sides of a
comparison (for example a stored search column), never one side only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import get_language

__all__ = [
    "MISSING",
    "active_digits",
    "digits",
    "format_number",
    "localized",
    "localized_name",
    "normalize_for_search",
    "normalize_text",
    "persian_number",
    "search_key",
    "to_latin_digits",
    "to_persian_digits",
]

ZWNJ = "\u200c"

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

PERSIAN_THOUSANDS_SEPARATOR = "\u066c"  # ٬
PERSIAN_DECIMAL_SEPARATOR = "\u066b"  # ٫


def _ranges(*pairs: tuple[int, int]) -> list[int]:
    return [code for start, end in pairs for code in range(start, end + 1)]


_DIGITS_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2)
_DIGITS_TO_PERSIAN = str.maketrans(LATIN_DIGITS + ARABIC_DIGITS, PERSIAN_DIGITS * 2)

_REMOVED = _ranges(
    (0x0610, 0x061A),  # Arabic honorific and Quranic signs above letters
    (0x064B, 0x0652),  # tanwin, fatha, damma, kasra, shadda, sukun
    (0x0656, 0x065F),  # rarer vowel marks
    (0x0670, 0x0670),  # superscript alef
    (0x06D6, 0x06DC),  # Quranic annotation marks
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x0640, 0x0640),  # tatweel
    (0x061C, 0x061C),  # Arabic letter mark
    (0x200D, 0x200F),  # ZWJ, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2060),  # word joiner
    (0x2066, 0x2069),  # bidi isolates
    (0x00AD, 0x00AD),  # soft hyphen
    (0xFEFF, 0xFEFF),  # byte order mark
    (0x0000, 0x0008),  # control characters; tab, newline and friends count as whitespace
    (0x000E, 0x001B),
    (0x007F, 0x0084),
    (0x0086, 0x009F),
)

_TEXT_TABLE = str.maketrans(
    {
        "\u064a": "ی",  # Arabic yeh
        "\u0649": "ی",  # alef maksura
        "\u0643": "ک",  # Arabic kaf
        "\u0629": "ه",  # teh marbuta
        "\u200b": ZWNJ,  # zero width space used as a half-space
        **{code: None for code in _REMOVED},
        **{ord(c): LATIN_DIGITS[i % 10] for i, c in enumerate(PERSIAN_DIGITS + ARABIC_DIGITS)},
    }
)

_SEARCH_TABLE = str.maketrans({ZWNJ: " "})

_KEY_TABLE = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ی",
        "ۀ": "ه",
        "\u0653": None,  # maddah above
        "\u0654": None,  # hamza above
        "\u0655": None,  # hamza below
        " ": None,
    }
)

# Arabic presentation forms (A and B) and full-width ASCII: folded with NFKC, run by run.
_COMPATIBILITY_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe\uff01-\uff5e]+")
_ZWNJ_RUN = re.compile(ZWNJ + "{2,}")
# A ZWNJ survives only after a letter (or a hamza mark on it) and before a letter.
# Written to start with the ZWNJ itself, so the search skips ahead to each one.
_STRAY_ZWNJ = re.compile(rf"{ZWNJ}(?!(?<=[^\W\d_]{ZWNJ}|[\u0653-\u0655]{ZWNJ})[^\W\d_])")
_WHITESPACE = re.compile(r"\s+")
_HORIZONTAL_WHITESPACE = re.compile(r"[^\S\n]+")
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _fold_compatibility(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group())


def _clean_zwnj(s: str) -> str:
    if ZWNJ not in s:
        return s
    return _STRAY_ZWNJ.sub("", _ZWNJ_RUN.sub(ZWNJ, s))


def normalize_text(s: str | None, *, multiline: bool = False) -> str:
    """Return `s` in the one stored form (see the module docstring); None becomes ""."""
    if not s:
        return ""
    if not isinstance(s, str):
        s = str(s)
    if _COMPATIBILITY_FORMS.search(s):
        s = _COMPATIBILITY_FORMS.sub(_fold_compatibility, s)
    s = unicodedata.normalize("NFC", s).translate(_TEXT_TABLE)
    if "\u0654" in s:
        # NFC composes ي + ٔ into ئ but has no composed form for the Persian ی.
        s = s.replace("ی\u0654", "ئ")
    s = _clean_zwnj(s)
    if not multiline:
        return _WHITESPACE.sub(" ", s).strip()
    lines = _LINE_BREAKS.sub("\n", s).split("\n")
    s = "\n".join(_HORIZONTAL_WHITESPACE.sub(" ", line).strip() for line in lines)
    return _BLANK_LINES.sub("\n\n", s).strip()


def normalize_for_search(s: str | None) -> str:
    """`normalize_text`, case-folded, with each ZWNJ read as a space ("می‌رود" = "می رود")."""
    text = normalize_text(s)
    if not text:
        return ""
    return text.casefold().translate(_SEARCH_TABLE)


def search_key(s: str | None) -> str:
    """A compact key for matching names: "می‌رود", "می رود", "میرود" and "مي‌رود" are equal."""
    return normalize_for_search(s).translate(_KEY_TABLE)


def to_latin_digits(s: str | int | None) -> str:
    """Replace Persian and Arabic-Indic digits with 0-9; nothing else changes."""
    if s is None:
        return ""
    return str(s).translate(_DIGITS_TO_LATIN)


def to_persian_digits(s: str | int | None) -> str:
    """Replace Latin and Arabic-Indic digits with ۰-۹; nothing else changes."""
    if s is None:
        return ""
    return str(s).translate(_DIGITS_TO_PERSIAN)


_PERSIAN_NUMBER_TABLE = str.maketrans(
    {
        ",": PERSIAN_THOUSANDS_SEPARATOR,
        ".": PERSIAN_DECIMAL_SEPARATOR,
        **{ord(d): PERSIAN_DIGITS[i] for i, d in enumerate(LATIN_DIGITS)},
    }
)


def format_number(
    n: int | float | Decimal,
    *,
    digits: str = "fa",
    grouping: bool = True,
    decimals: int | None = None,
) -> str:
    """Format a number for display: ``digits="fa"`` gives ۱۲٬۳۴۵٫۶, anything else 12,345.6."""
    if isinstance(n, bool) or not isinstance(n, int | float | Decimal):
        raise TypeError(f"expected a number, got {type(n).__name__}")
    spec = ("," if grouping else "") + ("" if decimals is None else f".{decimals}f")
    text = format(n, spec)
    if digits == "fa":
        return text.translate(_PERSIAN_NUMBER_TABLE)
    return text


def persian_number(n: int | float | Decimal, grouping: bool = True) -> str:
    """Format with Persian digits and the Persian thousands separator: 1234567 → ۱٬۲۳۴٬۵۶۷."""
    return format_number(n, digits="fa", grouping=grouping)


# --- In the active language ------------------------------------------------------------------
# What people read depends on the page's language (Django's active language; Persian when
# none is active). These read it; everything above is independent of it.

MISSING = "—"  # shown for a missing value (None or "")


def _english() -> bool:
    return (get_language() or "fa").lower().startswith("en")


def active_digits() -> str:
    """Which digits people read: "en" on English pages, "fa" otherwise."""
    return "en" if _english() else "fa"


def digits(value: object) -> str:
    """The value as text with the active language's digits; "—" when missing."""
    if value is None or value == "":
        return MISSING
    return to_latin_digits(value) if _english() else to_persian_digits(value)


def localized(name: str, name_en: str = "") -> str:
    """The English name on English pages where there is one, else the Persian name."""
    return name_en if name_en and _english() else name


def localized_name(obj: object, field: str = "name") -> str:
    """`obj`'s `field` (attribute or key) in the active language, read from `field` and
    `<field>_en`, with the active language's digits; "—" for None."""
    if obj is None:
        return MISSING
    if isinstance(obj, Mapping):
        name, name_en = obj.get(field, ""), obj.get(f"{field}_en", "")
    else:
        name, name_en = getattr(obj, field, obj), getattr(obj, f"{field}_en", "")
    chosen = localized(name, name_en or "")
    return chosen if chosen is name_en else digits(chosen)
