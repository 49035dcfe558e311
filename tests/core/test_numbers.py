"""The importers' one number grammar: digits in any script and a point, nothing lenient."""

from __future__ import annotations

import pytest

from kalantar.core.numbers import parse_decimal, parse_decimal_column, parse_whole


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("34.8006", 34.8006),
        (" -48.5 ", -48.5),
        ("۳۴٫۸۰۰۶", 34.8006),
        ("۳۴.۸", 34.8),
        ("٣٤٫٥", 34.5),
        ("+7", 7.0),
        (".5", 0.5),
    ],
)
def test_numbers_people_write_are_read(text, value):
    assert parse_decimal(text) == value
    assert parse_decimal_column([text]).tolist() == [value]


@pytest.mark.parametrize(
    "text",
    [
        "3_4.8006",
        "1e3",
        "1E-2",
        "nan",
        "inf",
        "-Infinity",
        "",
        " ",
        ".",
        "1.2.3",
        "0x1A",
        "1 2",
        "+-1",
        "1" * 400,
        "۳۴_۸",
        "34,8",
        "١e٢",
        "\x80",
    ],
)
def test_lenient_forms_are_refused(text):
    with pytest.raises(ValueError):
        parse_decimal(text)
    assert parse_decimal_column(["1.5", text]) is None


def test_whole_numbers():
    assert parse_whole("۱۵") == 15 and parse_whole(" 30 ") == 30
    for text in ("1_000", "1.0", "1e2", "", "x"):
        with pytest.raises(ValueError):
            parse_whole(text)
