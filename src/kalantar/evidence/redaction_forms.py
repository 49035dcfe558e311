"""The redaction editor's forms: they read times and rectangles as typed (Persian or Latin
digits); the plan's validation and the service decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.core.persian import digits, normalize_text, to_latin_digits
from kalantar.evidence.redaction import Box, Plan, format_time, parse_span, parse_spans, parse_time


class RedactionForm(forms.Form):
    clip = forms.CharField(
        label=_("Keep only this part"),
        required=False,
        max_length=60,
        help_text=_("From–to, e.g. 0:05-0:30; empty keeps the whole recording."),
        widget=forms.TextInput(attrs={"dir": "ltr", "class": "form-control", "id": "id_clip"}),
    )
    mute = forms.CharField(
        label=_("Mute the sound over"),
        required=False,
        max_length=2000,
        help_text=_("Ranges separated by commas, e.g. 0:10-0:12, 0:40-0:45."),
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "class": "form-control"}),
    )

    def clean_clip(self):
        text = self.cleaned_data["clip"].strip()
        if not text:
            return None
        try:
            return parse_span(text)
        except ValueError as error:
            raise forms.ValidationError(
                _("Write the part to keep as from–to, e.g. 0:05-0:30.")
            ) from error

    def clean_mute(self):
        try:
            return parse_spans(self.cleaned_data["mute"])
        except ValueError as error:
            raise forms.ValidationError(
                _("Write each muted range as from–to, e.g. 0:10-0:12.")
            ) from error


def _small(**attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"dir": "ltr", "class": "form-control form-control-sm", **attrs})


class BoxForm(forms.Form):
    """One rectangle: blurred only when the person ticks it (a suggestion is not a decision)."""

    on = forms.BooleanField(label=_("Blur"), required=False)
    suggested = forms.BooleanField(required=False, widget=forms.HiddenInput)
    start = forms.CharField(
        label=pgettext_lazy("a time of the recording", "from"),
        required=False,
        widget=_small(size=6),
    )
    end = forms.CharField(
        label=pgettext_lazy("a time of the recording", "to"), required=False, widget=_small(size=6)
    )
    x = forms.CharField(label="x", required=False, widget=_small(size=4))
    y = forms.CharField(label="y", required=False, widget=_small(size=4))
    width = forms.CharField(label=_("width"), required=False, widget=_small(size=4))
    height = forms.CharField(label=_("height"), required=False, widget=_small(size=4))

    def clean(self):
        data = super().clean()
        if not data.get("on"):
            return data
        try:
            data["box"] = Box(
                parse_time(data.get("start", "")),
                parse_time(data.get("end", "")),
                *(_whole(data.get(name, "")) for name in ("x", "y", "width", "height")),
            )
        except ValueError as error:
            raise forms.ValidationError(
                _("Give the rectangle's times (from, to) and its place and size in pixels.")
            ) from error
        return data


def _whole(text: str) -> int:
    return int(to_latin_digits(normalize_text(text)))


BoxFormSet = forms.formset_factory(BoxForm, extra=0, max_num=60, validate_max=True)


def box_initial(box: Box, *, on: bool = False, suggested: bool = False) -> dict:
    """A row of the editor for `box`, in the reader's digits."""
    return {
        "on": on,
        "suggested": suggested,
        "start": digits(format_time(box.start)),
        "end": digits(format_time(box.end)),
        "x": digits(box.x),
        "y": digits(box.y),
        "width": digits(box.width),
        "height": digits(box.height),
    }


BLANK_ROWS = 2


def plan_from(form: RedactionForm, boxes: BoxFormSet) -> Plan:
    """The plan of a valid form and its valid rows (the ticked ones)."""
    ticked = tuple(row.cleaned_data["box"] for row in boxes if row.cleaned_data.get("on"))
    return Plan(clip=form.cleaned_data["clip"], mute=form.cleaned_data["mute"], blur=ticked)
