"""The desk's and the item page's forms: they parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kalantar.core.forms import LocalizedIntegerField, StyledForm
from kalantar.core.jalali import TEHRAN
from kalantar.evidence.desk import parse_clock
from kalantar.evidence.models import EvidenceItem, Share

SERIAL_ATTRS = {
    "autofocus": True,
    "autocomplete": "off",
    "dir": "ltr",
    "inputmode": "text",
    # A scanner types the serial and presses Enter: the form is sent as it would be by hand.
    "placeholder": _("Type or scan the serial number"),
}


class CheckOutForm(StyledForm):
    serial = forms.CharField(label=_("Camera serial number"), max_length=64)
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=None, required=False)
    patrol = forms.ModelChoiceField(
        label=_("Patrol unit (car camera)"), queryset=None, required=False
    )

    def __init__(self, *args, officers, patrols, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["serial"].widget.attrs.update(SERIAL_ATTRS)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["patrol"].queryset = patrols


class CheckInForm(StyledForm):
    serial = forms.CharField(label=_("Camera serial number"), max_length=64)
    device_clock = forms.CharField(
        label=_("Time on the camera's clock (HH:MM:SS)"), max_length=8, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["serial"].widget.attrs.update({**SERIAL_ATTRS, "autofocus": False})
        self.fields["device_clock"].widget.attrs.update({"dir": "ltr", "autocomplete": "off"})

    def clean_device_clock(self):
        try:
            return parse_clock(
                self.cleaned_data["device_clock"], now=timezone.now().astimezone(TEHRAN)
            )
        except ValueError as exc:
            raise forms.ValidationError(_("Write the camera's time as HH:MM:SS.")) from exc


class ItemForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(
        label=pgettext_lazy("evidence", "Category"), choices=EvidenceItem.Category.choices
    )


class PlaybackForm(StyledForm):
    purpose = forms.CharField(
        label=_("Purpose of viewing"),
        max_length=300,
        help_text=_("Recorded in the item's custody chain, with your name and the time."),
    )


class ShareForm(StyledForm):
    recipient = forms.CharField(
        label=_("For (prosecutor's office or court)"),
        max_length=200,
        help_text=_("Each opening of the link is recorded in the custody chain."),
    )
    mode = forms.ChoiceField(label=_("Access"), choices=Share.Mode.choices)
    days = LocalizedIntegerField(label=_("Valid for (days)"), min_value=1, max_value=30, initial=7)


class AcknowledgeForm(StyledForm):
    name = forms.CharField(label=_("Your name and post"), max_length=200)


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class HoldForm(StyledForm):
    item = LocalizedIntegerField(label=_("Evidence item number"), min_value=1)
    reason = forms.CharField(label=_("Reason (e.g. the court's order)"), max_length=300)
