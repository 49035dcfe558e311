"""The custody chain of an item as a Persian PDF for a court (WeasyPrint: it shapes Persian
text and lays it out right to left). The font is Vazirmatn, read from the static files."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML

FONT = "vendor/vazirmatn/fonts/ttf/Vazirmatn-{weight}.ttf"
SEPARATOR_FONT = "kalantar/separator.ttf"


def _static_file(name: str) -> str:
    """A static file's URL for WeasyPrint: where the finders (development) or collectstatic
    (production) put it."""
    found = finders.find(name)
    path = Path(found) if found else Path(settings.STATIC_ROOT) / name
    return path.resolve().as_uri()


def fonts() -> dict[str, str]:
    return {
        "regular": _static_file(FONT.format(weight="Regular")),
        "bold": _static_file(FONT.format(weight="Bold")),
        "separator": _static_file(SEPARATOR_FONT),
    }


def render(context: dict) -> bytes:
    """The PDF of `custody_pdf.html` over `context`, always in Persian (the court's language)."""
    with translation.override("fa"):
        html = render_to_string("evidence/custody_pdf.html", {**context, "fonts": fonts()})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
