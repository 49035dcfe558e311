"""Persian text normalisation: what is stored and what is searched."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kalantar.core.persian import (
    format_number,
    normalize_for_search,
    normalize_text,
    persian_number,
    search_key,
    to_latin_digits,
    to_persian_digits,
)

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("علي كريمي", "علی کریمی"),  # Arabic yeh and kaf
        ("موسى", "موسی"),  # alef maksura
        ("فاطمة", "فاطمه"),  # teh marbuta
        ("ﻛﻼﻧﺘﺮﻱ", "کلانتری"),  # presentation forms from old software
        ("ＡＢＣ１２", "ABC12"),  # full-width Latin
    ],
)
def test_arabic_letter_forms_become_persian(typed, stored):
    assert normalize_text(typed) == stored


def test_digits_are_stored_latin_whatever_was_typed():
    assert normalize_text("کلانتری ۱۲") == "کلانتری 12"
    assert normalize_text("کلانتری ١٢") == "کلانتری 12"
    assert normalize_text("کلانتری 12") == "کلانتری 12"


def test_vowel_marks_and_tatweel_are_removed():
    assert normalize_text("مُحَمَّدْ") == "محمد"
    assert normalize_text("کـــلانتری") == "کلانتری"
    assert normalize_text("رحمٰن") == "رحمن"


def test_hamza_marks_persian_writes_are_kept():
    assert normalize_text("خانهٔ امن") == "خانهٔ امن"
    assert normalize_text("مسئول") == "مسئول"


def test_decomposed_letters_are_composed():
    assert normalize_text("ا\u0653رش") == "آرش"
    assert normalize_text("مسی\u0654له") == "مسئله"


def test_zwnj_between_letters_is_kept_and_runs_collapse():
    assert normalize_text(f"می{ZWNJ}رود") == f"می{ZWNJ}رود"
    assert normalize_text(f"می{ZWNJ * 3}رود") == f"می{ZWNJ}رود"


@pytest.mark.parametrize(
    "typed",
    [
        f"می {ZWNJ}رود",
        f"می{ZWNJ} رود",
        f"می {ZWNJ} رود",
    ],
)
def test_zwnj_next_to_a_space_is_dropped(typed):
    assert normalize_text(typed) == "می رود"


def test_zwnj_at_the_ends_or_after_a_digit_is_dropped():
    assert normalize_text(f"{ZWNJ}کلانتری{ZWNJ}") == "کلانتری"
    assert normalize_text(f"۱۲{ZWNJ}ام") == "12ام"


def test_zero_width_lookalikes():
    # A zero width space stands in for a half-space on many web pages.
    assert normalize_text("می\u200bرود") == f"می{ZWNJ}رود"
    # A zero width joiner only forces joining; dropping it keeps the word as it looked.
    assert normalize_text("می\u200dرود") == "میرود"


def test_invisible_marks_and_controls_are_removed():
    assert normalize_text("\u200fکلانتری\u200e ۱۲\u202b") == "کلانتری 12"
    assert normalize_text("\ufeffعلی") == "علی"
    assert normalize_text("a\x00b\x07c") == "abc"
    assert normalize_text("سو\u00adال") == "سوال"


def test_whitespace_is_collapsed_and_stripped():
    assert normalize_text("  علی \t\u00a0 رضایی \n ") == "علی رضایی"


def test_multiline_keeps_paragraphs():
    typed = "  خط  اول \r\n\r\n\r\n\r\n  خط\tدوم\n"
    assert normalize_text(typed, multiline=True) == "خط اول\n\nخط دوم"
    assert normalize_text(typed) == "خط اول خط دوم"


@pytest.mark.parametrize("empty", [None, "", "   ", ZWNJ, "ـــ", "\u200f"])
def test_empty_input_gives_empty_text(empty):
    assert normalize_text(empty) == ""


@pytest.mark.parametrize(
    "text",
    ["علي  كريمي ۱۲", f"می {ZWNJ}{ZWNJ}رود", "ﻛﻼﻧﺘﺮﻱ", "مُحَمَّد\u200d", "خانه\u0654 ها"],
)
def test_normalising_twice_changes_nothing(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert normalize_for_search(normalize_for_search(text)) == normalize_for_search(text)


def test_search_reads_a_half_space_as_a_space_and_folds_case():
    assert normalize_for_search(f"می{ZWNJ}رود") == normalize_for_search("می رود") == "می رود"
    assert normalize_for_search("Hamedan K01") == "hamedan k01"
    assert normalize_for_search("ملاير ۱۱") == "ملایر 11"


def test_search_key_equates_every_way_of_writing_a_compound():
    spellings = [f"می{ZWNJ}رود", "می رود", "میرود", f"مي{ZWNJ}رود"]
    assert {search_key(s) for s in spellings} == {"میرود"}
    assert search_key("محمد رضا") == search_key("محمدرضا")


def test_search_key_folds_hamza_seats():
    assert search_key("مسئول") == search_key("مسیول")
    assert search_key("تأمین") == search_key("تامین")
    assert search_key("سؤال") == search_key("سوال")
    assert search_key("خانۀ") == search_key("خانه")
    assert search_key("آرش") == search_key("ارش")


def test_digit_conversion_handles_both_eastern_digit_sets():
    assert to_latin_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert to_latin_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert to_persian_digits("0123456789") == "۰۱۲۳۴۵۶۷۸۹"
    assert to_persian_digits("٠١٢٣٤٥٦٧٨٩") == "۰۱۲۳۴۵۶۷۸۹"
    assert to_persian_digits("پلاک 12، واحد ٣") == "پلاک ۱۲، واحد ۳"
    assert to_persian_digits(2024) == "۲۰۲۴"
    assert to_latin_digits(None) == to_persian_digits(None) == ""


@pytest.mark.parametrize(
    ("n", "shown"),
    [
        (0, "۰"),
        (999, "۹۹۹"),
        (1000, "۱٬۰۰۰"),
        (1234567, "۱٬۲۳۴٬۵۶۷"),
        (-1234, "-۱٬۲۳۴"),
    ],
)
def test_persian_number(n, shown):
    assert persian_number(n) == shown


def test_persian_number_without_grouping():
    assert persian_number(1234567, grouping=False) == "۱۲۳۴۵۶۷"


def test_format_number_in_each_language():
    assert format_number(1234.5) == "۱٬۲۳۴٫۵"
    assert format_number(1234.5, digits="en") == "1,234.5"
    assert format_number(Decimal("34.85"), decimals=1) == "۳۴٫۸"
    assert format_number(2 / 3, digits="en", decimals=2) == "0.67"


@pytest.mark.parametrize("not_a_number", ["12", None, True])
def test_format_number_refuses_what_is_not_a_number(not_a_number):
    with pytest.raises(TypeError):
        format_number(not_a_number)
