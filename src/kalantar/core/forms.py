"""Form fields for Persian input: Jalali dates and times, and normalised text.

The fields accept Persian, Arabic-Indic and Latin digits and return Python values: a Gregorian
`date`, an aware `datetime` (typed as Tehran wall time), or normalised text.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from kalantar.core.jalali import (
    JalaliDateError,
    format_jalali_date,
    format_jalali_datetime,
    parse_jalali_date,
    parse_jalali_datetime,
    to_tehran,
)
from kalantar.core.persian import (
    active_digits,
    digits,
    normalize_text,
    to_latin_digits,
    to_persian_digits,
)

__all__ = [
    "FilterForm",
    "JalaliDateField",
    "JalaliDateInput",
    "JalaliDateTimeField",
    "JalaliDateTimeInput",
    "LocalizedIntegerField",
    "LocalizedNumberInput",
    "NormalizedCharField",
    "StyledForm",
    "apply_service_errors",
]


class JalaliDateInput(forms.TextInput):
    """A text box holding a Jalali date; ``data-jalali-picker`` is where a date picker hooks in.

    Digits are left to right whatever the page direction, and the numeric keyboard is asked
    for on phones (the field also accepts 14030115 for keyboards without a slash).
    """

    picker = "date"
    example = "1403/01/01"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "dir": "ltr",
            "autocomplete": "off",
            "inputmode": "numeric",
            "data-jalali-picker": self.picker,
        }
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if "placeholder" not in widget_attrs:
            # Chosen at render time, in the language of the page.
            fa = active_digits() == "fa"
            widget_attrs["placeholder"] = to_persian_digits(self.example) if fa else self.example
        return context

    def format_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, date):
            return format_jalali_date(value, active_digits())
        return str(value)  # what the person typed, shown back with the error


class JalaliDateTimeInput(JalaliDateInput):
    """A text box holding a Jalali date and a time of day: ۱۴۰۳/۰۱/۰۱ ۰۸:۳۰."""

    picker = "datetime"
    example = "1403/01/01 08:30"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # The time needs a colon and a space, which numeric phone keyboards lack.
        super().__init__({"inputmode": "text", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime):
            return format_jalali_datetime(value, active_digits())
        return super().format_value(value)


class JalaliDateField(forms.Field):
    """A date typed in the Jalali calendar; cleans to a Gregorian `datetime.date`."""

    widget = JalaliDateInput
    default_error_messages = {
        "invalid": _("Enter a valid Jalali date, such as 1403/01/01."),
        "invalid_year": _("Enter the date in the Jalali calendar, such as 1403/01/01."),
        "invalid_day": _("That month does not have this day."),
    }

    def _error(self, error: JalaliDateError) -> ValidationError:
        code = {"year": "invalid_year", "day": "invalid_day"}.get(error.code, "invalid")
        return ValidationError(self.error_messages[code], code=code)

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return to_tehran(value).date()
        if isinstance(value, date):
            return value
        try:
            return parse_jalali_date(str(value))
        except JalaliDateError as error:
            raise self._error(error) from None


class JalaliDateTimeField(JalaliDateField):
    """A Jalali date and HH:MM, read as Tehran time; cleans to an aware `datetime`."""

    widget = JalaliDateTimeInput
    default_error_messages = {
        "invalid": _("Enter a valid Jalali date and time, such as 1403/01/01 08:30."),
    }

    def to_python(self, value: Any) -> datetime | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return to_tehran(value)
        try:
            return parse_jalali_datetime(str(value))
        except JalaliDateError as error:
            raise self._error(error) from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        # The box shows minutes only, so seconds in the stored value are not a change.
        if isinstance(initial, datetime):
            initial = initial.replace(second=0, microsecond=0)
        return super().has_changed(initial, data)


class LocalizedNumberInput(forms.TextInput):
    """A whole number shown in the page's digits (۷ on a Persian page). Not a
    `type=number` box: browsers show and accept only Latin digits there."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        return digits(value)


class LocalizedIntegerField(forms.IntegerField):
    """An integer typed in Persian, Arabic-Indic or Latin digits, shown in the page's."""

    widget = LocalizedNumberInput

    def to_python(self, value: Any) -> int | None:
        return super().to_python(to_latin_digits(value) if isinstance(value, str) else value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max attributes: the browser would check them against Persian digits.
        attrs = super().widget_attrs(widget)
        for name in ("min", "max", "step"):
            attrs.pop(name, None)
        return attrs


class NormalizedCharField(forms.CharField):
    """A CharField whose value goes through `normalize_text` (ي→ی, ك→ک, digits, ZWNJ, spaces).

    Line breaks are kept when the widget is a Textarea, or when ``multiline=True``.
    """

    def __init__(self, *, multiline: bool | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.multiline = isinstance(self.widget, forms.Textarea) if multiline is None else multiline

    def to_python(self, value: Any) -> str | None:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return normalize_text(value, multiline=self.multiline) or self.empty_value


def apply_service_errors(
    form: forms.Form, error: ValidationError, *, keep_reported: bool = False
) -> None:
    """Show a service's refusal on the form that fed it: each field's messages by that field,
    the rest (and fields the form does not have) as form-wide errors.

    A form names in `service_error_fields` the field that shows a service field it lacks
    (the map's point for "location"). `keep_reported`: leave a field that already shows an
    error alone, for checks run after the form's own have failed.
    """
    if not hasattr(error, "error_dict"):
        if not (keep_reported and form.non_field_errors()):
            form.add_error(None, error)
        return
    aliases = getattr(form, "service_error_fields", {})
    for field, messages in error.message_dict.items():
        name = aliases.get(field, field)
        name = name if name in form.fields else None
        if keep_reported and (name or NON_FIELD_ERRORS) in form.errors:
            continue
        form.add_error(name, messages)


class StyledForm(forms.Form):
    """Bootstrap's classes on every widget that takes them: ``form-select`` on lists,
    ``form-control`` on the rest, added to the classes a widget already has.

    Boxes, radios and lists of boxes style their own labels and hidden inputs show nothing,
    so they are left alone (`unstyled`). ``control_size = "sm"`` gives Bootstrap's small
    controls (form-control-sm, form-select-sm), as on filter bars.
    """

    unstyled: ClassVar[tuple[type[forms.Widget], ...]] = (
        forms.CheckboxInput,
        forms.CheckboxSelectMultiple,
        forms.RadioSelect,
        forms.HiddenInput,
    )
    control_size: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            self.style_widget(field.widget)

    def style_widget(self, widget: forms.Widget) -> None:
        """Add the widget's Bootstrap classes (for fields a form adds after it is made)."""
        if isinstance(widget, self.unstyled):
            return
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        wanted = [css, f"{css}-{self.control_size}"] if self.control_size else [css]
        classes = widget.attrs.get("class", "").split()
        widget.attrs["class"] = " ".join([*classes, *(c for c in wanted if c not in classes)])


class FilterForm(forms.Form):
    """A list page's filters. The form only parses: `filters()` hands the page's selector a
    frozen dataclass (`filters_class`) whose fields are the form's, and the selector applies
    it. While the form has errors the filters are empty: the page lists everything and shows
    the errors on the bar."""

    filters_class: type

    def filters(self) -> Any:
        if not self.is_valid():
            return self.filters_class()
        names = [f.name for f in dataclasses.fields(self.filters_class)]
        return self.filters_class(**{name: self.cleaned_data.get(name) for name in names})
