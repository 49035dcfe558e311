from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kalantar.core.forms import FilterForm, JalaliDateField, NormalizedCharField
from kalantar.inspection import workflow
from kalantar.inspection.models import Case, Interview, Review
from kalantar.inspection.selectors import DeskFilters

_SELECT = {"class": "form-select form-select-sm"}
_TEXT = {"class": "form-control"}


class DeskFilterForm(FilterForm):
    filters_class = DeskFilters

    status = forms.ChoiceField(
        label=_("Step"),
        required=False,
        choices=[("", _("Open cases")), ("all", _("All cases")), *workflow.STATUS_CHOICES],
        widget=forms.Select(attrs=_SELECT),
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("Any source")), *Case.Source.choices],
        widget=forms.Select(attrs=_SELECT),
    )
    overdue = forms.BooleanField(label=_("Past the step's deadline"), required=False)
    q = NormalizedCharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-sm",
                "type": "search",
                "placeholder": _("Case number, tracking code, name or words"),
            }
        ),
    )


class OpenCaseForm(forms.Form):
    station = forms.ModelChoiceField(
        label=_("Station"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )
    accused_officer = forms.ModelChoiceField(
        label=_("Officer complained about"),
        queryset=None,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    summary = NormalizedCharField(label=_("Summary"), max_length=300, widget=forms.TextInput(_TEXT))
    complainant_name = NormalizedCharField(
        label=_("Complainant's name"), max_length=150, required=False, widget=forms.TextInput(_TEXT)
    )
    complainant_mobile = NormalizedCharField(
        label=_("Complainant's mobile"),
        max_length=15,
        required=False,
        widget=forms.TextInput(_TEXT),
    )

    def __init__(self, *args, stations, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations
        self.fields["accused_officer"].queryset = officers
        self.fields["accused_officer"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )


class StepForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("next", "next"), ("finding", "finding"), ("measure", "measure")],
        widget=forms.HiddenInput,
    )
    finding = forms.ChoiceField(
        label=_("Finding"),
        required=False,
        choices=[("", "—"), *workflow.FINDING_CHOICES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    measure = forms.ChoiceField(
        label=_("Measure"),
        required=False,
        choices=[("", "—"), *workflow.MEASURE_CHOICES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = NormalizedCharField(
        label=_("Note or reason"),
        required=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )


class InterviewForm(forms.Form):
    person = NormalizedCharField(
        label=_("Person heard"), max_length=150, widget=forms.TextInput(_TEXT)
    )
    role = forms.ChoiceField(
        label=_("As"),
        choices=Interview.Role.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    held_on = JalaliDateField(label=_("Date"))
    summary = NormalizedCharField(
        label=_("What they said"), widget=forms.Textarea(attrs={"class": "form-control", "rows": 2})
    )


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document"), widget=forms.ClearableFileInput(_TEXT))


class FootageForm(forms.Form):
    item = forms.ModelChoiceField(
        label=_("Recording"), queryset=None, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class ReviewOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Review.Outcome.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    outcome_note = NormalizedCharField(
        label=_("What the review found"),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )
