"""The address a public record may carry: the street at most, never a number (no Django)."""

from __future__ import annotations

import pytest

from kalantar.complaints.addresses import public_street


@pytest.mark.parametrize(
    ("address", "published"),
    [
        # Persian digits, Persian commas
        ("همدان، میدان امام، خیابان اکباتان، کوچه ۱۲، پلاک ۵", "همدان، میدان امام، خیابان اکباتان"),
        # Latin digits, no commas between the street and the house
        ("همدان، خیابان بوعلی کوچه لاله پلاک 5", "همدان، خیابان بوعلی"),
        # Arabic-Indic digits written straight after the street's name
        ("همدان، خیابان اکباتان ٤٥", "همدان، خیابان اکباتان"),
        # dashes between parts; a dead end written with a ZWNJ or with a space
        ("همدان - بلوار ارم - بن‌بست نسترن ۳", "همدان، بلوار ارم"),
        ("همدان، بلوار ارم، بن بست نسترن", "همدان، بلوار ارم"),
        # abbreviations: خ. for street, پ. for plaque
        ("ملایر، خ. شریعتی، پ. ۱۲", "ملایر، خ. شریعتی"),
        # unit and floor without an alley
        ("همدان، خیابان تختی، مجتمع ارغوان، طبقه ۳، واحد ۷", "همدان، خیابان تختی"),
        # Arabic letter forms are read as Persian
        ("همدان، خيابان پاستور، كوچه ۳", "همدان، خیابان پاستور"),
        # English
        ("Hamedan, Ekbatan St, Alley 12, No. 5", "Hamedan، Ekbatan St"),
        # a number in a street's name goes too, and the street type alone says nothing
        ("همدان، خیابان ۱۷ شهریور، کوچه سوم", "همدان"),
        ("کوچه ۱۲، پلاک ۵", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_the_street_at_most(address, published):
    assert public_street(address) == published


@pytest.mark.parametrize(
    "address",
    [
        "همدان، خیابان بوعلی، کوچه ۱۲، پلاک ۵",
        "همدان خیابان بوعلی پلاک 12 واحد 3",
        "Hamedan, Pasteur Ave 14",
        "همدان، خیابان اکباتان، ۱۴",
    ],
)
def test_never_a_digit_of_any_script(address):
    published = public_street(address)
    assert not any(ch.isdigit() for ch in published)
    assert "کوچه" not in published and "پلاک" not in published
