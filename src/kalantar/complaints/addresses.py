"""What of a complaint's address may be published: the street at most, never a number.

Iranian addresses run from the general to the particular (city، square، main street،
side street، alley، plaque، unit). A public record may say which street, never which
house: everything from the first house-level word (alley, dead end, plaque, unit, floor,
building…) or the first number on is dropped, together with a street-type word left
without its name. A number always goes, even inside a street's name ("خیابان ۱۷ شهریور"):
"never a number" is simpler to trust than telling a street's number from a house's.

Pure text handling, no Django: tested on its own (tests/complaints/test_addresses.py).
"""

from __future__ import annotations

import re

from kalantar.core.persian import ZWNJ, normalize_text

__all__ = ["public_street"]

# Parts of an address are separated by commas (Persian or Latin), semicolons or " - ".
_PARTS = re.compile(r"\s*(?:[،,;؛]|\s[-–—]\s)\s*")
# Any digit, in any of the scripts people type (normalize_text makes them Latin first).
_DIGIT = re.compile(r"\d")
# Words that start the house level: what follows them identifies a door, not a street.
_HOUSE_LEVEL = {
    # Persian (ZWNJ and a space written the same: "بن‌بست", "بن بست")
    "کوچه",
    "کوچهٔ",
    "ک",
    "بن",
    "بنبست",
    "پلاک",
    "پ",
    "شماره",
    "واحد",
    "طبقه",
    "ساختمان",
    "مجتمع",
    "برج",
    "بلوک",
    "زنگ",
    "منزل",
    "درب",
    "جنب",
    "روبروی",
    "روبه‌روی",
    "نبش",
    # English
    "alley",
    "lane",
    "no",
    "number",
    "plaque",
    "unit",
    "floor",
    "apt",
    "apartment",
    "building",
    "block",
    "#",
}
# Words that name a kind of way or place; left alone, without a name after them, they say nothing.
_PLACE_TYPES = {"خیابان", "خ", "بلوار", "میدان", "م", "کوی", "شهرک", "street", "st", "avenue"}
_TOKEN_EDGES = ".:()[]«»\"'"


def _is_house_level(token: str) -> bool:
    word = token.strip(_TOKEN_EDGES).replace(ZWNJ, "").lower()
    return word in _HOUSE_LEVEL or bool(_DIGIT.search(token))


def _street_part(part: str) -> tuple[str, bool]:
    """(the words of one part before the house level, whether the house level began in it)."""
    kept: list[str] = []
    for token in part.split():
        if _is_house_level(token):
            return " ".join(kept), True
        kept.append(token)
    return " ".join(kept), False


def _named(part: str) -> bool:
    words = [w.strip(_TOKEN_EDGES).lower() for w in part.split()]
    return any(w and w not in _PLACE_TYPES for w in words)


def public_street(address: str | None) -> str:
    """The address cut after its street: no alley, plaque, unit or any other number."""
    text = normalize_text(address)
    kept: list[str] = []
    for part in _PARTS.split(text):
        street, house_level = _street_part(part)
        if _named(street):
            kept.append(street.strip(_TOKEN_EDGES + " "))
        if house_level:
            break
    return "، ".join(kept)
