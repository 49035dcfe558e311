"""Writes `static/kalantar/separator.ttf`: one glyph, the Persian thousands separator ٬.

Vazirmatn, the pages' font, draws ٬ (U+066C) exactly like its Latin comma, on the baseline,
so ۶٬۹۵۷ reads as 6,957. No font on npm offers just this mark, so this draws it the way
Persian print does, a short slanted stroke raised between the digits, and `separator.css`
adds it to the Vazirmatn family for that one code point (unicode-range).

Run `python -m kalantar.core.separator_font` after changing the outline below.
"""

from __future__ import annotations

from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

UNITS_PER_EM = 2048  # Vazirmatn's, so the metrics below match its digits (≈ 1330 high)
ADVANCE = 533  # Vazirmatn's own advance for ٬
# A tapered stroke from a round head (upper right) to a thin tail (lower left), above the
# baseline: it sits at two fifths to four fifths of a digit's height.
OUTLINE = [(290, 1100), (445, 1070), (415, 900), (185, 540), (115, 580), (270, 935)]
NAME = "Kalantar Separator"
TARGET = Path(__file__).resolve().parent / "static" / "kalantar" / "separator.ttf"


def _separator_glyph():
    pen = TTGlyphPen(None)
    pen.moveTo(OUTLINE[0])
    for point in OUTLINE[1:]:
        pen.lineTo(point)
    pen.closePath()
    return pen.glyph()


def build(target: Path = TARGET) -> Path:
    """Write the one-glyph font to `target` and return it."""
    builder = FontBuilder(UNITS_PER_EM, isTTF=True)
    builder.setupGlyphOrder([".notdef", "uni066C"])
    builder.setupCharacterMap({0x066C: "uni066C"})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "uni066C": _separator_glyph()})
    builder.setupHorizontalMetrics({".notdef": (ADVANCE, 0), "uni066C": (ADVANCE, 125)})
    builder.setupHorizontalHeader(ascent=2100, descent=-1100)
    builder.setupNameTable({"familyName": NAME, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=2100, sTypoDescender=-1100, usWinAscent=2100, usWinDescent=1100)
    builder.setupPost()
    builder.save(str(target))
    return target


if __name__ == "__main__":
    print(build())
