"""National code, mobile and postal code: what a desk officer can type, and what is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kalantar.core.validators import (
    is_valid_mobile,
    is_valid_national_code,
    is_valid_postal_code,
    national_code_check_digit,
    normalize_mobile,
    normalize_national_code,
    normalize_postal_code,
    validate_mobile,
    validate_national_code,
    validate_postal_code,
)

# 0499370899 and 0084575948 are widely published sample codes; the others were computed here.
VALID_CODES = ["0499370899", "0084575948", "0010542124", "3710529980", "4993708998"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_national_codes_pass(code):
    assert is_valid_national_code(code)
    assert normalize_national_code(code) == code
    validate_national_code(code)


def test_check_digit_of_a_known_code():
    assert national_code_check_digit("049937089") == 9


@pytest.mark.parametrize(
    "typed", ["۰۴۹۹۳۷۰۸۹۹", "٠٤٩٩٣٧٠٨٩٩", "۰۴۹-۹۳۷۰۸۹-۹", " 0499370899 ", "049 937089 9"]
)
def test_national_code_accepts_persian_digits_and_card_hyphens(typed):
    assert is_valid_national_code(typed)
    assert normalize_national_code(typed) == "0499370899"


@pytest.mark.parametrize("code", VALID_CODES)
def test_a_typo_in_any_one_digit_is_refused(code):
    # The national scheme maps remainders 1 and 10 to the same check digit 1, so a few typos
    # in codes ending in 1 cannot be caught by anyone; none of these codes ends in 1.
    for position in range(10):
        for digit in "0123456789":
            if digit != code[position]:
                typo = code[:position] + digit + code[position + 1 :]
                assert not is_valid_national_code(typo), typo


@pytest.mark.parametrize("digit", "0123456789")
def test_one_repeated_digit_is_refused_although_the_checksum_holds(digit):
    code = digit * 10
    assert national_code_check_digit(code[:9]) == int(digit)
    assert not is_valid_national_code(code)


@pytest.mark.parametrize(
    "typed", ["", None, "049937089", "04993708990", "04993708a9", "0499370899x", "+499370899"]
)
def test_malformed_national_codes_are_refused(typed):
    assert not is_valid_national_code(typed)


def test_national_code_errors_say_what_is_wrong():
    with pytest.raises(ValidationError) as short:
        validate_national_code("12345")
    with pytest.raises(ValidationError) as checksum:
        validate_national_code("0499370898")
    assert short.value.code == checksum.value.code == "invalid_national_code"
    with translation.override("fa"):  # Persian, with Persian digits
        assert "۱۰" in str(short.value.messages[0])
    with translation.override("en"):
        assert "10" in str(short.value.messages[0])
    assert short.value.messages != checksum.value.messages
    with pytest.raises(ValueError):
        normalize_national_code("0499370898")


@pytest.mark.parametrize(
    "typed",
    [
        "09123456789",
        "9123456789",
        "+98 912 345 6789",
        "+989123456789",
        "0098 912 345 6789",
        "989123456789",
        "+98 (0) 912 345 6789",
        "0912-345-6789",
        "۰۹۱۲۳۴۵۶۷۸۹",
        "٠٩١٢٣٤٥٦٧٨٩",
        "+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹",
    ],
)
def test_mobile_numbers_become_one_form(typed):
    assert normalize_mobile(typed) == "09123456789"
    assert is_valid_mobile(typed)
    validate_mobile(typed)


def test_every_operator_prefix_is_accepted():
    for prefix in ("0901", "0910", "0921", "0930", "0990", "0998"):
        assert normalize_mobile(prefix + "1234567") == prefix + "1234567"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "02112345678",  # a Tehran landline
        "0912345678",  # one digit short
        "091234567890",  # one digit long
        "+1 912 345 6789",
        "00912345678",
        "0912345678a",
        "09¹23456789",
        "98912345678",
    ],
)
def test_what_is_not_an_iranian_mobile_is_refused(typed):
    assert not is_valid_mobile(typed)
    with pytest.raises(ValidationError) as error:
        validate_mobile(typed)
    assert error.value.code == "invalid_mobile"
    if typed is not None:
        with pytest.raises(ValueError):
            normalize_mobile(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "1315764311",
        "۱۳۱۸۷-۶۵۴۳۱",
        "13187 65431",
        "9176983410",  # 0 in the last five digits is used
        "1439912345",  # so is 2
        "1415561111",  # a fifth digit 5 is not refused
    ],
)
def test_postal_codes_that_may_be_real_are_accepted(typed):
    assert is_valid_postal_code(typed)
    validate_postal_code(typed)


def test_postal_code_is_normalised():
    assert normalize_postal_code("۱۳۱۸۷-۶۵۴۳۱") == "1318765431"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "0315764311",  # 0 in the first five digits
        "1325764311",  # 2 in the first five digits
        "131576431",  # nine digits
        "13157643111",  # eleven digits
        "3333333333",
        "13157a4311",
    ],
)
def test_impossible_postal_codes_are_refused(typed):
    assert not is_valid_postal_code(typed)
    with pytest.raises(ValidationError) as error:
        validate_postal_code(typed)
    assert error.value.code == "invalid_postal_code"
