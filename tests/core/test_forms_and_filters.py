"""Jalali and normalised form fields, and the display filters, in Persian and in English."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext

from kalantar.core.forms import (
    JalaliDateField,
    JalaliDateTimeField,
    NormalizedCharField,
    StyledForm,
)


class IncidentForm(forms.Form):
    occurred_on = JalaliDateField()
    reported_at = JalaliDateTimeField(required=False)
    name = NormalizedCharField(max_length=20)
    description = NormalizedCharField(widget=forms.Textarea, required=False)


def clean(**data):
    form = IncidentForm(data={"occurred_on": "1403/01/01", "name": "علی", **data})
    form.is_valid()
    return form


@pytest.mark.parametrize("typed", ["۱۴۰۳/۰۱/۰۱", "1403/01/01", "١٤٠٣-١-١", "14030101"])
def test_date_field_accepts_persian_and_latin_digits(typed):
    form = clean(occurred_on=typed)
    assert form.cleaned_data["occurred_on"] == date(2024, 3, 20)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1403/13/01", "invalid"),
        ("دیروز", "invalid"),
        ("2024/03/20", "invalid_year"),
        ("1404/12/30", "invalid_day"),
        ("", "required"),
    ],
)
def test_date_field_refuses_bad_dates_with_a_clear_message(typed, code):
    with translation.override("fa"):
        form = clean(occurred_on=typed)
        assert not form.is_valid()
        error = form.errors.as_data()["occurred_on"][0]
        assert error.code == code
        expected = IncidentForm.base_fields["occurred_on"].error_messages[code]
        assert form.errors["occurred_on"] == [str(expected)]


def test_persian_error_message_is_the_translation_of_its_msgid():
    with translation.override("fa"):
        form = clean(occurred_on="1403/13/01")
        assert form.errors["occurred_on"] == [
            gettext("Enter a valid Jalali date, such as 1403/01/01.")
        ]


def test_date_time_field_reads_tehran_time():
    form = clean(reported_at="۱۴۰۳/۰۱/۰۱ ۰۸:۳۰")
    moment = form.cleaned_data["reported_at"]
    assert moment == datetime(2024, 3, 20, 5, 0, tzinfo=UTC)
    assert moment.utcoffset() is not None


def test_date_time_field_needs_a_time():
    form = clean(reported_at="1403/01/01")
    assert form.errors.as_data()["reported_at"][0].code == "invalid"


def test_unchanged_date_time_is_not_a_change_despite_seconds():
    stored = datetime(2024, 3, 20, 5, 0, 42, tzinfo=UTC)
    field = JalaliDateTimeField()
    assert not field.has_changed(stored, "1403/01/01 08:30")
    assert field.has_changed(stored, "1403/01/01 08:31")
    assert not JalaliDateField().has_changed(date(2024, 3, 20), "۱۴۰۳/۰۱/۰۱")


def test_date_widget_in_persian():
    form = IncidentForm(initial={"occurred_on": date(2024, 10, 6)})
    with translation.override("fa"):
        html = str(form["occurred_on"])
    assert 'value="۱۴۰۳/۰۷/۱۵"' in html
    assert 'placeholder="۱۴۰۳/۰۱/۰۱"' in html
    assert 'dir="ltr"' in html
    assert 'inputmode="numeric"' in html
    assert 'data-jalali-picker="date"' in html


def test_date_widget_in_english():
    form = IncidentForm(initial={"occurred_on": date(2024, 10, 6)})
    with translation.override("en"):
        html = str(form["occurred_on"])
    assert 'value="1403/07/15"' in html
    assert 'placeholder="1403/01/01"' in html


def test_date_time_widget_shows_tehran_time():
    form = IncidentForm(initial={"reported_at": datetime(2024, 3, 19, 21, 0, tzinfo=UTC)})
    with translation.override("fa"):
        html = str(form["reported_at"])
    assert 'value="۱۴۰۳/۰۱/۰۱ ۰۰:۳۰"' in html
    assert 'data-jalali-picker="datetime"' in html


def test_a_refused_date_is_shown_back_as_typed():
    form = clean(occurred_on="1403/13/01")
    assert 'value="1403/13/01"' in str(form["occurred_on"])


def test_normalized_char_field_cleans_text():
    form = clean(name="  علي   كريمي ۱۲ ")
    assert form.cleaned_data["name"] == "علی کریمی 12"


def test_normalized_char_field_with_only_invisible_characters_is_empty():
    form = clean(name="ـــ\u200c\u200f")
    assert form.errors.as_data()["name"][0].code == "required"


def test_normalized_char_field_measures_the_normalised_text():
    form = clean(name="م" + "ـ" * 30 + "حمد")
    assert form.cleaned_data["name"] == "محمد"


def test_textarea_keeps_paragraphs():
    form = clean(description="بند  اول\r\n\r\n\r\nبند دوم")
    assert form.cleaned_data["description"] == "بند اول\n\nبند دوم"


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load kalantar %}" + source).render(Context(context))


MOMENT = datetime(2024, 10, 6, 20, 45, tzinfo=UTC)  # 00:15 on Monday 16 Mehr 1403 in Tehran


@pytest.mark.parametrize(
    ("source", "fa", "en"),
    [
        ("{{ d|jdate }}", "۱۴۰۳/۰۷/۱۵", "1403/07/15"),
        ('{{ d|jdate:"long" }}', "۱۵ مهر ۱۴۰۳", "15 Mehr 1403"),
        ('{{ d|jdate:"full" }}', "یکشنبه، ۱۵ مهر ۱۴۰۳", "Sunday, 15 Mehr 1403"),
        ("{{ t|jdate }}", "۱۴۰۳/۰۷/۱۶", "1403/07/16"),
        ("{{ t|jdatetime }}", "۱۴۰۳/۰۷/۱۶ ۰۰:۱۵", "1403/07/16 00:15"),
        ('{{ t|jdatetime:"long" }}', "۱۶ مهر ۱۴۰۳، ۰۰:۱۵", "16 Mehr 1403, 00:15"),
        ("{{ n|number }}", "۱٬۲۳۴٬۵۶۷", "1,234,567"),
        ("{{ x|number:1 }}", "۳۴٫۸", "34.8"),
        ("{{ s|digits }}", "کلانتری ۱۱ همدان", "کلانتری 11 همدان"),
        ("{{ p|digits }}", "کلانتری ۱۱ همدان", "کلانتری 11 همدان"),
        ("{{ 2024|digits }}", "۲۰۲۴", "2024"),
    ],
)
def test_filters_in_each_language(source, fa, en):
    context = {
        "d": date(2024, 10, 6),
        "t": MOMENT,
        "n": 1234567,
        "x": Decimal("34.85"),
        "s": "کلانتری 11 همدان",
        "p": "کلانتری ۱۱ همدان",
    }
    assert render(source, "fa", **context) == fa
    assert render(source, "en", **context) == en


@pytest.mark.parametrize("name", ["digits", "jdate", "jdatetime", "number"])
@pytest.mark.parametrize("missing", [None, ""])
def test_filters_show_a_dash_for_a_missing_value(name, missing):
    assert render(f"{{{{ v|{name} }}}}", "fa", v=missing) == "—"
    assert render(f"{{{{ v|{name} }}}}", "en") == "—"


def test_number_reads_numbers_typed_as_text():
    assert render("{{ v|number }}", "fa", v="۱۲۳۴۵") == "۱۲٬۳۴۵"
    assert render("{{ v|number }}", "fa", v="نامعلوم") == "نامعلوم"


def test_digits_does_not_unescape_text():
    html = render("{{ v|digits }}", "fa", v="<b>12</b>")
    assert html == "&lt;b&gt;۱۲&lt;/b&gt;"


def test_unknown_date_style_falls_back_to_short():
    assert render('{{ d|jdate:"huge" }}', "en", d=date(2024, 10, 6)) == "1403/07/15"


@pytest.mark.parametrize(
    ("source", "fa", "en"),
    [
        ("{{ c|localized }}", "سرقت ۲", "Theft 2"),
        ("{{ bare|localized }}", "سرقت ۲", "سرقت 2"),
        ('{{ row|localized:"agency" }}', "شهرداری", "Municipality"),
        ("{{ c|unit_name }}", "سرقت ۲", "Theft 2"),
        ("{{ none|localized }}", "—", "—"),
    ],
)
def test_names_in_the_active_language(source, fa, en):
    """The English name on English pages where there is one; Persian with the page's digits
    otherwise."""

    class Named:
        name, name_en = "سرقت 2", "Theft 2"

    context = {
        "c": Named(),
        "bare": {"name": "سرقت 2", "name_en": ""},
        "row": {"agency": "شهرداری", "agency_en": "Municipality"},
        "none": None,
    }
    assert render(source, "fa", **context) == fa
    assert render(source, "en", **context) == en


def test_localized_text_is_escaped():
    assert render("{{ v|localized }}", "en", v={"name": "x", "name_en": "<b>"}) == "&lt;b&gt;"


class _Styled(StyledForm):
    name = forms.CharField(widget=forms.TextInput(attrs={"class": "font-monospace"}))
    kind = forms.ChoiceField(choices=[("a", "A")])
    tags = forms.MultipleChoiceField(choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    agreed = forms.BooleanField(required=False)
    point = forms.CharField(widget=forms.HiddenInput)


class _SmallStyled(_Styled):
    control_size = "sm"


def _classes(form: forms.Form) -> dict[str, str]:
    return {name: field.widget.attrs.get("class", "") for name, field in form.fields.items()}


def test_a_styled_form_keeps_a_widgets_own_classes_and_leaves_boxes_alone():
    assert _classes(_Styled()) == {
        "name": "font-monospace form-control",
        "kind": "form-select",
        "tags": "",
        "agreed": "",
        "point": "",
    }


def test_a_small_styled_form_asks_for_the_small_controls():
    classes = _classes(_SmallStyled())
    assert classes["name"] == "font-monospace form-control form-control-sm"
    assert classes["kind"] == "form-select form-select-sm"
    assert classes["tags"] == classes["point"] == ""
