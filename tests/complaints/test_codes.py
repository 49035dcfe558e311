"""Tracking codes: random, phone-friendly, and every common typing error is caught."""

from __future__ import annotations

import random
from itertools import product

import pytest

from kalantar.complaints.codes import (
    CODE_LENGTH,
    DAMM_TABLE,
    check_digit,
    format_tracking_code,
    is_valid_tracking_code,
    new_tracking_code,
    normalize_tracking_code,
)
from kalantar.core.persian import to_persian_digits

DIGITS = "0123456789"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"


def sample_codes(n: int, seed: int = 197) -> list[str]:
    rng = random.Random(seed)
    return [new_tracking_code(rng) for _ in range(n)]


def with_check_digit(payload: str) -> str:
    return payload + check_digit(payload)


# --- The table ------------------------------------------------------------------------------


def test_damm_table_is_a_quasigroup_with_zero_diagonal():
    assert len(DAMM_TABLE) == 10
    for i in range(10):
        assert sorted(DAMM_TABLE[i]) == list(range(10)), f"row {i}"
        assert sorted(row[i] for row in DAMM_TABLE) == list(range(10)), f"column {i}"
        assert DAMM_TABLE[i][i] == 0


def test_damm_table_is_weakly_totally_anti_symmetric():
    # This property is what makes every swap of neighbouring digits change the result.
    for c, x, y in product(range(10), repeat=3):
        if x != y:
            assert DAMM_TABLE[DAMM_TABLE[c][x]][y] != DAMM_TABLE[DAMM_TABLE[c][y]][x]


def test_check_digit_matches_the_published_example():
    assert check_digit("572") == "4"
    assert check_digit("0") == "0"


@pytest.mark.parametrize("payload", ["", "12a", "۱۲۳", " 123", "12-3", None, 123])
def test_check_digit_wants_latin_digits(payload):
    with pytest.raises(ValueError):
        check_digit(payload)


# --- New codes ------------------------------------------------------------------------------


def test_new_codes_are_ten_digits_without_a_leading_zero_and_valid():
    codes = sample_codes(2000) + [new_tracking_code() for _ in range(2000)]
    for code in codes:
        assert len(code) == CODE_LENGTH == 10
        assert code.isascii() and code.isdigit()
        assert code[0] != "0"
        assert is_valid_tracking_code(code)
        assert normalize_tracking_code(code) == code
    assert len(set(codes)) == len(codes)


def test_a_seeded_generator_repeats_and_the_default_does_not():
    assert sample_codes(5, seed=1) == sample_codes(5, seed=1)
    assert len({new_tracking_code() for _ in range(50)}) == 50


def test_every_first_digit_from_one_to_nine_occurs():
    assert {code[0] for code in sample_codes(500)} == set("123456789")


# --- Errors people make ---------------------------------------------------------------------


def test_every_single_wrong_digit_is_caught():
    for code in sample_codes(2000):
        for i, right in enumerate(code):
            for wrong in DIGITS:
                if wrong != right:
                    typo = code[:i] + wrong + code[i + 1 :]
                    assert not is_valid_tracking_code(typo), (code, typo)


def test_every_swap_of_neighbouring_digits_is_caught():
    for code in sample_codes(2000):
        for i in range(len(code) - 1):
            a, b = code[i], code[i + 1]
            if a != b:
                swapped = code[:i] + b + a + code[i + 2 :]
                assert not is_valid_tracking_code(swapped), (code, swapped)


def test_the_swap_luhn_misses_is_caught():
    code = with_check_digit("509123456")
    assert is_valid_tracking_code(code)
    assert not is_valid_tracking_code(code.replace("509", "590"))


# --- Input from people ----------------------------------------------------------------------


def test_persian_and_arabic_digits_spaces_and_dashes_are_accepted():
    code = sample_codes(1)[0]
    arabic = code.translate(str.maketrans(DIGITS, ARABIC_DIGITS))
    typed = [
        to_persian_digits(code),
        arabic,
        f" {code[:3]} {code[3:6]} {code[6:]} ",
        format_tracking_code(code),
        to_persian_digits(format_tracking_code(code)),
        f"{code[:3]}–{code[3:6]}—{code[6:]}",  # dashes a word processor puts in
        f"\u200f{to_persian_digits(code)}\u200f",  # copied from right-to-left text
        int(code),
    ]
    for text in typed:
        assert is_valid_tracking_code(text), text
        assert normalize_tracking_code(text) == code


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        b"1234567890",
        12.5,
        "abcdefghij",
        "12345678",  # too short
        "123456789",  # a payload without its check digit
        "12345678901",  # too long
        "1234567890" * 2,
        "123.456.789",
        "۱۲۳۴۵۶۷۸۹۰۱",
        "١٢٣٤٥٦٧٨٩",
        "１２３４５６７８９０",  # full-width digits are not what a citizen's keyboard types
    ],
)
def test_other_strings_are_rejected(text):
    assert not is_valid_tracking_code(text)
    with pytest.raises(ValueError):
        normalize_tracking_code(text)


def test_bad_lengths_are_rejected_even_with_a_right_check_digit():
    for payload in ("1", "12345678", "1234567890", "12345678901234"):
        code = with_check_digit(payload)
        assert len(code) != CODE_LENGTH
        assert not is_valid_tracking_code(code)


def test_a_leading_zero_is_never_a_code():
    # A spreadsheet would drop the zero; such codes are never issued.
    assert not is_valid_tracking_code(with_check_digit("012345678"))


def test_format_groups_for_reading_aloud():
    code = with_check_digit("123456789")
    assert format_tracking_code(code) == f"123-456-789{code[-1]}"
    assert format_tracking_code(to_persian_digits(code)) == format_tracking_code(code)
    with pytest.raises(ValueError):
        format_tracking_code("123-456-7891" if code[-1] != "1" else "123-456-7892")
