"""Validators for Iranian identifiers: national code, mobile number, postal code.

Each comes as a pure function (``is_valid_…`` or ``normalize_…``, no Django needed) and as a
Django validator (``validate_…``) that raises ValidationError with a translatable message.
All accept Persian, Arabic-Indic and Latin digits and the separators people type.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kalantar.core.persian import normalize_text

__all__ = [
    "is_valid_mobile",
    "is_valid_national_code",
    "is_valid_postal_code",
    "national_code_check_digit",
    "normalize_mobile",
    "normalize_national_code",
    "normalize_postal_code",
    "validate_mobile",
    "validate_national_code",
    "validate_postal_code",
]

# Spaces, hyphens, dots, slashes and parentheses people put between groups of digits.
_SEPARATORS = re.compile(r"[\s\-.‐‑‒–—/()]+")
_TEN_DIGITS = re.compile(r"[0-9]{10}")


def _compact(value: object) -> str:
    """Digits in Latin form, group separators removed."""
    return _SEPARATORS.sub("", normalize_text(str(value) if value is not None else ""))


# National code (کد ملی) ---------------------------------------------------------------------


def national_code_check_digit(first_nine: str) -> int:
    """The check digit for nine digits: weights 10…2, remainder r of 11, r if r < 2 else 11 - r."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(first_nine))
    remainder = total % 11
    return remainder if remainder < 2 else 11 - remainder


def normalize_national_code(value: str) -> str:
    """Return the 10 Latin digits of a valid national code, or raise ValueError.

    Accepts Persian or Arabic digits and the card's hyphens (۰۴۹-۹۳۷۰۸۹-۹). Codes made of one
    repeated digit (1111111111) pass the checksum but are never issued, so they are refused.
    """
    code = _compact(value)
    if not _TEN_DIGITS.fullmatch(code):
        raise ValueError("a national code has exactly 10 digits")
    if len(set(code)) == 1:
        raise ValueError("a national code is not one repeated digit")
    if national_code_check_digit(code[:9]) != int(code[9]):
        raise ValueError("the check digit does not match")
    return code


def is_valid_national_code(value: str | None) -> bool:
    try:
        normalize_national_code(value or "")
    except ValueError:
        return False
    return True


def validate_national_code(value: str | None) -> None:
    code = _compact(value)
    if not _TEN_DIGITS.fullmatch(code):
        raise ValidationError(
            _("A national code has exactly 10 digits."), code="invalid_national_code"
        )
    if not is_valid_national_code(code):
        raise ValidationError(_("Enter a valid national code."), code="invalid_national_code")


# Mobile number (شماره همراه) ----------------------------------------------------------------


def normalize_mobile(value: str) -> str:
    """Return an Iranian mobile number as "09XXXXXXXXX", or raise ValueError.

    Accepts "+98 912 345 6789", "0098 912…", "98912…", "0912…", "912…", Persian digits.
    """
    number = _compact(value)
    if number.startswith("+"):
        number = "00" + number[1:]
    if not number.isascii() or not number.isdigit():
        raise ValueError("a mobile number is made of digits")
    if number.startswith("0098"):
        number = number[4:]
    elif number.startswith("98") and len(number) in (12, 13):
        number = number[2:]
    if number.startswith("0"):
        number = number[1:]  # the trunk prefix, also in "+98 (0) 912…"
    if len(number) != 10 or number[0] != "9":
        raise ValueError("an Iranian mobile number is 09 followed by nine digits")
    return "0" + number


def is_valid_mobile(value: str | None) -> bool:
    try:
        normalize_mobile(value or "")
    except ValueError:
        return False
    return True


def validate_mobile(value: str | None) -> None:
    if not is_valid_mobile(value):
        raise ValidationError(
            _("Enter a valid mobile number, such as 09121234567."), code="invalid_mobile"
        )


# Postal code (کد پستی) ----------------------------------------------------------------------
#
# Enforced: 10 digits, and no 0 or 2 among the first five, which the Iranian post leaves
# out because handwritten they are confused with 5 and 3. Codes of one repeated digit are
# refused. Other rules seen in circulation (fifth digit never 5, no 2 in the last five, no
# four equal leading digits) are not documented well enough to refuse a citizen's address
# for, so they are not enforced.


def normalize_postal_code(value: str) -> str:
    """Return a postal code's 10 Latin digits (۱۳۱۸۷-۶۵۴۳۱ → 1318765431), or raise ValueError."""
    code = _compact(value)
    if not _TEN_DIGITS.fullmatch(code):
        raise ValueError("a postal code has exactly 10 digits")
    if "0" in code[:5] or "2" in code[:5]:
        raise ValueError("the first five digits of a postal code contain no 0 or 2")
    if len(set(code)) == 1:
        raise ValueError("a postal code is not one repeated digit")
    return code


def is_valid_postal_code(value: str | None) -> bool:
    try:
        normalize_postal_code(value or "")
    except ValueError:
        return False
    return True


def validate_postal_code(value: str | None) -> None:
    if not is_valid_postal_code(value):
        raise ValidationError(_("Enter a valid 10-digit postal code."), code="invalid_postal_code")
