"""Forms of the guard's phone page, the institution's desk, the station's answer and the
registrar's review; thin: the services check what matters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kalantar.core.forms import JalaliDateTimeField, NormalizedCharField, StyledForm
from kalantar.security_firms import report_rules
from kalantar.security_firms.models import Checkpoint, GuardReview


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Checkpoint code"), max_length=200, required=False)
    nfc_tag = forms.CharField(label=_("NFC tag id"), max_length=64, required=False)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if not (data.get("code") or "").strip() and not (data.get("nfc_tag") or "").strip():
            raise forms.ValidationError(_("Scan the checkpoint's code or its NFC tag."))
        return data


class ReportForm(StyledForm):
    kind = forms.ChoiceField(label=_("What happened"), choices=())
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False)
    occurred_at = JalaliDateTimeField(label=_("Time of the event"))
    narrative = NormalizedCharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = report_rules.choices()
        self.fields["site"].queryset = sites


class DeskReportForm(ReportForm):
    guard = forms.ModelChoiceField(label=_("Guard"), queryset=None)

    def __init__(self, *args, guards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guard"].queryset = guards
        self.order_fields(["guard"])


class AnswerForm(StyledForm):
    answer = NormalizedCharField(
        label=_("Answer to the institution"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=GuardReview.Decision.choices)
    reason = NormalizedCharField(label=_("Reason"), max_length=500)


class CheckpointForm(StyledForm):
    name = NormalizedCharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Checkpoint.Kind.choices)
    nfc_tag = forms.CharField(label=_("NFC tag id"), max_length=64, required=False)
    lon = forms.FloatField(label=_("Longitude"))
    lat = forms.FloatField(label=_("Latitude"))


class PlanForm(StyledForm):
    """A plan's name and times, and one "minutes after the start" box per checkpoint (left
    empty: not in the plan)."""

    name = NormalizedCharField(label=_("Name"), max_length=200)
    start_times = forms.CharField(
        label=_("Round start times"), max_length=200, help_text=_("For example 22:00, 02:00")
    )
    tolerance_minutes = forms.IntegerField(
        label=_("Tolerance (minutes)"), min_value=0, max_value=120, initial=10
    )

    def __init__(self, *args, checkpoints, **kwargs):
        super().__init__(*args, **kwargs)
        self.checkpoints = list(checkpoints)
        for checkpoint in self.checkpoints:
            self.fields[f"minutes_{checkpoint.pk}"] = forms.IntegerField(
                label=_("%(name)s: minutes after the start") % {"name": checkpoint.name},
                min_value=0,
                max_value=720,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )

    def stops(self) -> list[tuple[Checkpoint, int]]:
        found = []
        for checkpoint in self.checkpoints:
            minutes = self.cleaned_data.get(f"minutes_{checkpoint.pk}")
            if minutes is not None:
                found.append((checkpoint, minutes))
        return found
